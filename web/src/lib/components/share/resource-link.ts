import { getContext, setContext } from "svelte";

const KEY = Symbol("psg:resource-base");

/**
 * Where resource links point: `/resources/<uid>` in the app, `/share/<token>/resources/<uid>`
 * in an auditor's view (set once by the share layout), so shared components such as ReasonList
 * and FlowTable link inside whichever view shows them. Call during component initialisation.
 */
export function resourceLinks(): (uid: string) => string {
  const base = getContext<string | undefined>(KEY) ?? "";
  return (uid: string) => `${base}/resources/${encodeURIComponent(uid)}`;
}

export function setResourceBase(base: string): void {
  setContext(KEY, base);
}
