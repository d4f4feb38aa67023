// Reading QR codes from camera frames, in this browser, from our own origin: the built-in
// BarcodeDetector where there is one (Android Chrome, Safari 17+), else jsQR (pure JS), which
// is fetched only when a scanner first needs it so it stays out of the first-load bundle.

/** Reads the QR codes in the current video frame; resolves to their texts (maybe none). */
export type FrameDecoder = (video: HTMLVideoElement) => Promise<string[]>;

interface DetectedBarcode {
  rawValue: string;
}

interface BarcodeDetectorInstance {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>;
}

interface BarcodeDetectorClass {
  new (options?: { formats: string[] }): BarcodeDetectorInstance;
  getSupportedFormats?(): Promise<string[]>;
}

// Frames are scaled down to this width before jsQR reads them: plenty for a badge held up to
// the phone, and it keeps one pass well under 100 ms on a cheap phone.
const MAX_WIDTH = 800;

async function nativeDecoder(): Promise<FrameDecoder | null> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  try {
    const formats = (await Detector.getSupportedFormats?.()) ?? ["qr_code"];
    if (!formats.includes("qr_code")) return null;
    const detector = new Detector({ formats: ["qr_code"] });
    return async (video) => (await detector.detect(video)).map((code) => code.rawValue);
  } catch {
    return null; // declared but not usable here (some desktop builds): use jsQR
  }
}

async function jsQrDecoder(): Promise<FrameDecoder> {
  const { default: jsQR } = await import("jsqr");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (!context) throw new Error("This browser cannot read camera frames.");
  return async (video) => {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (!width || !height) return [];
    const scale = Math.min(1, MAX_WIDTH / width);
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    // Badges are dark on light; skipping the inverted pass halves the work per frame.
    const found = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
    return found && found.data ? [found.data] : [];
  };
}

let pending: Promise<FrameDecoder> | null = null;

/** The best decoder this browser has, loaded once and shared by every scanner. */
export function loadDecoder(): Promise<FrameDecoder> {
  pending ??= nativeDecoder().then((native) => native ?? jsQrDecoder());
  pending.catch(() => {
    pending = null; // let the next scanner try again (e.g. after coming back online)
  });
  return pending;
}
