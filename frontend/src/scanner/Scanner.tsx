// The shared QR scanner: the rear camera's preview, decoding in this browser, a torch toggle
// where the camera has one, and a code field for typing, pasting or a hardware scanner (which
// types the code and presses Enter). The same code seen again within 3 s is ignored, so a badge
// held in front of the camera is read once.
import { useEffect, useRef, useState } from "preact/hooks";
import { type FrameDecoder, loadDecoder } from "./decode";
import "./scanner.css";

export interface ScannerProps {
  /** Called once per code read (camera, hardware scanner or typed). */
  onCode: (text: string) => void;
  /** While true the camera stays on but nothing is read (a result is showing, say). */
  paused?: boolean;
  /** A line under the preview: what to point the camera at. */
  hint?: string;
  /** Label of the typing field (hand scanners type into it too). */
  label?: string;
}

type CameraState =
  | { status: "starting" }
  | { status: "running" }
  | { status: "stopped" }
  | { status: "failed"; message: string };

export const DUPLICATE_WINDOW_MS = 3000;
const FRAME_INTERVAL_MS = 150;

function cameraProblem(error: unknown): string {
  const name = error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") {
    return (
      "The camera is blocked for Rapport. Allow it in your browser's site settings and " +
      "reload, or type the code below."
    );
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return "No camera was found on this device. Type the code below, or use a hardware scanner.";
  }
  if (name === "NotReadableError" || name === "AbortError") {
    return "The camera is busy in another app. Close it there and tap “Start camera”.";
  }
  return "The camera could not start. Type the code below, or tap “Start camera” to try again.";
}

/** Ignores a code seen again within the window; each sighting extends it. */
function makeDuplicateFilter(windowMs: number): (code: string) => boolean {
  let lastCode = "";
  let lastSeen = 0;
  return (code) => {
    const now = Date.now();
    const repeat = code === lastCode && now - lastSeen < windowMs;
    lastCode = code;
    lastSeen = now;
    return !repeat;
  };
}

interface TorchCapabilities extends MediaTrackCapabilities {
  torch?: boolean;
}

export default function Scanner({
  onCode,
  paused = false,
  hint,
  label = "Badge link or code",
}: ScannerProps) {
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const codeInput = useRef<HTMLInputElement>(null);
  const isNew = useRef(makeDuplicateFilter(DUPLICATE_WINDOW_MS));
  const pausedRef = useRef(paused);
  const onCodeRef = useRef(onCode);
  const [camera, setCamera] = useState<CameraState>({ status: "starting" });
  const [attempt, setAttempt] = useState(0);
  const [torchAvailable, setTorchAvailable] = useState(false);
  const [torchOn, setTorchOn] = useState(false);
  const [typed, setTyped] = useState("");
  pausedRef.current = paused;
  onCodeRef.current = onCode;

  function emit(text: string) {
    const code = text.trim();
    if (!code || pausedRef.current || !isNew.current(code)) return;
    onCodeRef.current(code);
  }

  // Start the camera and read frames until unmounted, hidden, or stopped.
  useEffect(() => {
    let live = true;
    let timer = 0;
    let decoder: FrameDecoder | null = null;

    function stopTracks() {
      stream.current?.getTracks().forEach((track) => track.stop());
      stream.current = null;
    }

    async function readFrame() {
      const element = video.current;
      if (!live) return;
      if (decoder && element && !pausedRef.current && element.readyState >= 2) {
        try {
          for (const text of await decoder(element)) emit(text);
        } catch {
          // A frame that cannot be read (the camera is switching, say): try the next one.
        }
      }
      if (live) timer = window.setTimeout(readFrame, FRAME_INTERVAL_MS);
    }

    async function start() {
      if (!navigator.mediaDevices?.getUserMedia) {
        setCamera({
          status: "failed",
          message:
            "This browser cannot use the camera here (it needs a secure https:// page). " +
            "Type the code below.",
        });
        return;
      }
      setCamera({ status: "starting" });
      try {
        const media = await navigator.mediaDevices.getUserMedia({
          audio: false,
          video: {
            facingMode: { ideal: "environment" },
            width: { ideal: 1280 },
            height: { ideal: 720 },
          },
        });
        if (!live) {
          media.getTracks().forEach((track) => track.stop());
          return;
        }
        stream.current = media;
        const [track] = media.getVideoTracks();
        const capabilities = (track?.getCapabilities?.() ?? {}) as TorchCapabilities;
        setTorchAvailable(Boolean(capabilities.torch));
        setTorchOn(false);
        if (video.current) {
          video.current.srcObject = media;
          await video.current.play().catch(() => undefined);
        }
        setCamera({ status: "running" });
      } catch (error) {
        if (live) setCamera({ status: "failed", message: cameraProblem(error) });
        return;
      }
      try {
        decoder = await loadDecoder();
      } catch {
        if (live) {
          stopTracks();
          setCamera({
            status: "failed",
            message:
              "The code reader could not load. Check your connection and tap “Start camera”, " +
              "or type the code below.",
          });
        }
        return;
      }
      if (live) void readFrame();
    }

    // A hidden tab gives the camera back (its light goes off); it comes back when shown.
    function onVisibility() {
      if (document.hidden) {
        window.clearTimeout(timer);
        stopTracks();
        setCamera({ status: "stopped" });
      } else if (!stream.current) {
        setAttempt((n) => n + 1);
      }
    }

    void start();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      live = false;
      window.clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
      stopTracks();
    };
  }, [attempt]);

  // A desk with a USB scanner has a fine pointer: keep the code field focused for it.
  useEffect(() => {
    if (!paused && window.matchMedia?.("(pointer: fine)").matches) {
      codeInput.current?.focus({ preventScroll: true });
    }
  }, [paused]);

  async function toggleTorch() {
    const track = stream.current?.getVideoTracks()[0];
    if (!track) return;
    const next = !torchOn;
    try {
      await track.applyConstraints({ advanced: [{ torch: next } as MediaTrackConstraintSet] });
      setTorchOn(next);
    } catch {
      setTorchAvailable(false);
    }
  }

  function submitTyped(event: Event) {
    event.preventDefault();
    const code = typed.trim();
    if (!code) return;
    setTyped("");
    emit(code);
  }

  const failed = camera.status === "failed" ? camera.message : null;
  return (
    <div class="scanner">
      <div class={`scanner-view scanner-view-${camera.status}`}>
        <video
          ref={video}
          class="scanner-video"
          muted
          playsInline
          autoPlay
          aria-label="Camera preview"
        />
        {camera.status === "running" && <div class="scanner-frame" aria-hidden="true" />}
        {camera.status === "starting" && <p class="scanner-overlay">Starting the camera…</p>}
        {camera.status === "stopped" && <p class="scanner-overlay">Camera paused.</p>}
      </div>
      {hint && camera.status === "running" && <p class="scanner-hint">{hint}</p>}
      {failed && (
        <div class="scanner-problem" role="alert">
          <p>{failed}</p>
        </div>
      )}
      <div class="scanner-tools">
        {(failed || camera.status === "stopped") && (
          <button
            type="button"
            class="button button-secondary"
            onClick={() => setAttempt((n) => n + 1)}
          >
            Start camera
          </button>
        )}
        {torchAvailable && camera.status === "running" && (
          <button
            type="button"
            class="button button-secondary"
            aria-pressed={torchOn}
            onClick={toggleTorch}
          >
            {torchOn ? "Torch off" : "Torch on"}
          </button>
        )}
      </div>
      <form class="scanner-entry" onSubmit={submitTyped}>
        <label for="scanner-code">{label}</label>
        <div class="search">
          <input
            id="scanner-code"
            ref={codeInput}
            type="text"
            inputMode="url"
            autoComplete="off"
            autoCapitalize="none"
            spellcheck={false}
            enterKeyHint="go"
            placeholder="Paste, type or use a hand scanner"
            value={typed}
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
          <button type="submit" class="button button-primary">
            Go
          </button>
        </div>
      </form>
    </div>
  );
}
