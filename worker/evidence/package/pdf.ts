import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from "pdf-lib";

/** The standard fonts speak WinAnsi only: map the few non-ASCII characters we write, drop the rest. */
export function pdfText(s: string): string {
  return s
    .replace(/[—–]/g, "-")
    .replace(/→/g, "->")
    .replace(/…/g, "...")
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/≥/g, ">=")
    .replace(/≤/g, "<=")
    .replace(/[^\x20-\x7e]/g, "?");
}

export interface PdfSection {
  heading: string;
  paragraphs: string[];
}

const W = 595;
const H = 842;
const M = 50;

class Writer {
  page!: PDFPage;
  y = 0;
  constructor(
    readonly doc: PDFDocument,
    readonly font: PDFFont,
    readonly bold: PDFFont,
  ) {
    this.newPage();
  }
  newPage() {
    this.page = this.doc.addPage([W, H]);
    this.y = H - M;
  }
  line(text: string, size = 10, font = this.font, colour = rgb(0.1, 0.1, 0.1)) {
    const words = pdfText(text).split(/\s+/);
    let current = "";
    const flush = () => {
      if (this.y < M + size) this.newPage();
      this.page.drawText(current, { x: M, y: this.y, size, font, color: colour });
      this.y -= size * 1.4;
      current = "";
    };
    for (const w of words) {
      const next = current ? `${current} ${w}` : w;
      if (font.widthOfTextAtSize(next, size) > W - 2 * M && current) {
        flush();
        current = w.length > 120 ? w.slice(0, 120) : w;
      } else current = next;
    }
    if (current) flush();
  }
}

/** A plain, text-first PDF report: cover, then sections; pages numbered. */
export async function renderReport(cover: { title: string; lines: string[] }, sections: PdfSection[], createdAt: Date): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(pdfText(cover.title));
  doc.setProducer("PCI Scope Guard");
  doc.setCreationDate(createdAt);
  doc.setModificationDate(createdAt);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const w = new Writer(doc, font, bold);
  w.y = H - 200;
  w.line(cover.title, 22, bold);
  w.y -= 10;
  for (const l of cover.lines) w.line(l, 11);
  for (const s of sections) {
    w.newPage();
    w.line(s.heading, 15, bold, rgb(0.55, 0.1, 0.1));
    w.y -= 6;
    for (const p of s.paragraphs) {
      w.line(p, 10);
      w.y -= 4;
    }
  }
  const pages = doc.getPages();
  pages.forEach((p, i) => p.drawText(`${i + 1} / ${pages.length}`, { x: W - M - 30, y: 25, size: 8, font }));
  return doc.save({ useObjectStreams: false });
}
