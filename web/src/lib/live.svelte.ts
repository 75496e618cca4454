/**
 * The tenant's live events in the browser: one WebSocket to this app's `/live` (which forwards
 * to the API with the session's credential), reconnecting with backoff. Pages subscribe with
 * `onLive` and refresh their data; the layout shows whether the feed is up.
 */
import type { LiveEvent } from "./types";

type Handler = (event: LiveEvent) => void;

export const live = $state<{ status: "off" | "connecting" | "live" | "retrying"; last: LiveEvent | null; received: number }>({ status: "off", last: null, received: 0 });

const handlers = new Set<Handler>();
let socket: WebSocket | null = null;
let retry = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let stopped = true;

export function onLive(handler: Handler): () => void {
  handlers.add(handler);
  return () => handlers.delete(handler);
}

function open() {
  if (stopped) return;
  live.status = retry === 0 ? "connecting" : "retrying";
  const url = new URL("/live", location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    retry = 0;
    live.status = "live";
  };
  ws.onmessage = (m) => {
    let event: LiveEvent;
    try {
      event = JSON.parse(String(m.data)) as LiveEvent;
    } catch {
      return;
    }
    live.last = event;
    live.received++;
    for (const h of handlers) h(event);
  };
  ws.onclose = () => {
    if (socket !== ws || stopped) return;
    socket = null;
    live.status = "retrying";
    // 1 s, 2 s, 4 s … up to 30 s, with jitter so a restart does not bring every tab at once.
    const wait = Math.min(30_000, 1000 * 2 ** retry++) * (0.75 + Math.random() / 2);
    timer = setTimeout(open, wait);
  };
}

export function startLive(): () => void {
  if (!stopped) return stopLive;
  stopped = false;
  open();
  return stopLive;
}

function stopLive() {
  stopped = true;
  clearTimeout(timer);
  socket?.close(1000, "page closed");
  socket = null;
  live.status = "off";
}

/**
 * Re-runs the page's load functions (no reload) when an event the page shows arrives; a burst
 * of events (a scan commit sends several) costs one reload of the data.
 */
export function refreshOn(matches: (event: LiveEvent) => boolean, refresh: () => Promise<void>): () => void {
  let pending: ReturnType<typeof setTimeout> | undefined;
  const off = onLive((e) => {
    if (!matches(e) || pending) return;
    pending = setTimeout(() => {
      pending = undefined;
      void refresh();
    }, 250);
  });
  return () => {
    clearTimeout(pending);
    off();
  };
}
