// "Rewrite in my voice": only when the server has a writing assistant set up. Before the first
// use (per assistant host, remembered on this phone) it shows exactly what will be sent and
// where; then it offers the checked rewrite to take or leave. A refused or failed rewrite leaves
// the draft as it was and says why.
import { useState } from "preact/hooks";
import { ApiError } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { type AssistantBody, type FollowUp, followUps } from "../../followups-api";

const SEEN_KEY = "rapport.assistant.shown-to";

interface Props {
  item: FollowUp;
  host: string;
  /** Save what is typed first: the assistant gets the draft as saved. */
  beforeAsking: () => Promise<void>;
  onUse: (body: string) => void;
}

export function AssistantRewrite({ item, host, beforeAsking, onUse }: Props) {
  const [preview, setPreview] = useState<AssistantBody | null>(null);
  const [busy, setBusy] = useState(false);
  const [offer, setOffer] = useState<{ body: string; problem: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const seen = () => window.localStorage.getItem(SEEN_KEY) === host;

  async function start() {
    setOffer(null);
    setError(null);
    setBusy(true);
    try {
      await beforeAsking();
      if (seen()) {
        await send();
      } else {
        setPreview((await followUps.assistantRequest(item.id)).body);
      }
    } catch (err) {
      setError(err instanceof ApiError ? err : null);
    } finally {
      setBusy(false);
    }
  }

  async function send() {
    setBusy(true);
    try {
      window.localStorage.setItem(SEEN_KEY, host);
      setPreview(null);
      setOffer(await followUps.rewrite(item.id));
    } catch (err) {
      setError(err instanceof ApiError ? err : null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="assistant">
      {!preview && !offer && (
        <Button kind="secondary" busy={busy} busyLabel="Rewriting…" onClick={start}>
          Rewrite in my voice
        </Button>
      )}
      <ErrorBox error={error} />
      {preview && (
        <div class="assistant-preview" role="region" aria-label="What will be sent">
          <p>
            This is exactly what will be sent to <strong>{host}</strong>: this draft, the facts it
            uses and your own earlier messages (their recipients' names taken out). Nothing you
            keep private, and nothing about anyone else.
          </p>
          <ol class="assistant-messages">
            {preview.messages.map((m, i) => (
              <li key={i}>
                <span class="muted">{m.role === "system" ? "Instructions" : "Message"}</span>
                <pre>{m.content}</pre>
              </li>
            ))}
          </ol>
          <div class="actions">
            <Button busy={busy} busyLabel="Rewriting…" onClick={send}>
              Send and rewrite
            </Button>
            <Button kind="quiet" onClick={() => setPreview(null)}>
              Cancel
            </Button>
          </div>
        </div>
      )}
      {offer?.problem && (
        <p class="assistant-problem" role="alert">
          Your draft is unchanged. {offer.problem}{" "}
          <Button kind="quiet" onClick={() => setOffer(null)}>
            OK
          </Button>
        </p>
      )}
      {offer && !offer.problem && (
        <div class="assistant-offer" role="region" aria-label="The rewrite">
          <pre>{offer.body}</pre>
          <div class="actions">
            <Button
              onClick={() => {
                onUse(offer.body);
                setOffer(null);
              }}
            >
              Use this
            </Button>
            <Button kind="quiet" onClick={() => setOffer(null)}>
              Keep mine
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}
