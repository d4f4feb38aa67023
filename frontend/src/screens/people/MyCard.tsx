// /me: my card — what people I meet receive. Each field has a "Share" switch next to it;
// the server's field errors show next to the field. The headline can be one of my pitches.
import type { InputHTMLAttributes } from "preact";
import { useRef, useState } from "preact/hooks";
import type { ApiError } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { LoadFailed } from "../../components/LoadFailed";
import { Loading } from "../../components/Loading";
import { announce } from "../../components/Status";
import { type Card, type CardField, type CardInput, people } from "../../contacts-api";
import { asApiError, useApi } from "../../hooks";
import "../../people.css";

type TextKey = "name" | "title" | "company" | "email" | "phone" | "linkedin_url" | "website";
const TEXT_FIELDS: {
  key: TextKey;
  label: string;
  type: "text" | "email" | "tel" | "url";
  autoComplete: string;
  placeholder?: string;
}[] = [
  { key: "name", label: "Name", type: "text", autoComplete: "name" },
  { key: "title", label: "Title", type: "text", autoComplete: "organization-title" },
  { key: "company", label: "Company", type: "text", autoComplete: "organization" },
  { key: "email", label: "Email", type: "email", autoComplete: "email" },
  { key: "phone", label: "Phone", type: "tel", autoComplete: "tel", placeholder: "+49 151 23456789" },
  { key: "linkedin_url", label: "LinkedIn", type: "url", autoComplete: "url", placeholder: "https://www.linkedin.com/in/you" },
  { key: "website", label: "Website", type: "url", autoComplete: "url", placeholder: "https://example.com" },
];

export default function MyCard() {
  const card = useApi(() => people.myCard(), []);
  if (card.loading && !card.data) return <Loading label="Loading your card…" />;
  if (!card.data) return <LoadFailed title="Your card could not load" error={card.error} onRetry={card.reload} />;
  return <CardForm initial={card.data} />;
}

/** What the form holds: the card's fields and which of them are shared. */
type Draft = CardInput & { shared_fields: CardField[] };

function draftOf(card: Card): Draft {
  const { name, title, company, email, phone, linkedin_url, website, headline, interests, goals, shared_fields } = card;
  return { name, title, company, email, phone, linkedin_url, website, headline, interests, goals, shared_fields };
}

/** The server's card taken into the form, except where the person has changed a field since
 *  `reference` (what the form last had from the server, or what a save sent): typing is kept. */
function merged(current: Draft, reference: Draft, server: Draft): Draft {
  const next: Draft = { ...current };
  for (const key of Object.keys(server) as (keyof Draft)[]) {
    const unchanged = JSON.stringify(current[key]) === JSON.stringify(reference[key]);
    if (unchanged) (next as Record<keyof Draft, unknown>)[key] = server[key];
  }
  return next;
}

function ShareSwitch({ field, label, shared, onToggle }: { field: CardField; label: string; shared: boolean; onToggle: (f: CardField) => void }) {
  return (
    <label class="share-switch">
      <input type="checkbox" role="switch" checked={shared} onChange={() => onToggle(field)} aria-label={`Share my ${label.toLowerCase()}`} />
      <span aria-hidden="true">{shared ? "Shared" : "Private"}</span>
    </label>
  );
}

function CardForm({ initial }: { initial: Card }) {
  // `card` is the server's last word (photo, headline pitch); `data` is the form, which only
  // the person's typing and a save change: a photo or a headline pitch never resets it.
  const [card, setCard] = useState<Card>(initial);
  const [data, setData] = useState<Draft>(() => draftOf(initial));
  const fromServer = useRef<Draft>(draftOf(initial));
  const [newInterest, setNewInterest] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pitches = useApi(() => people.pitches(), []);
  const shared = data.shared_fields;

  /** Take a card the server sent; `reference` is what the form's fields are compared with. */
  function adopt(server: Card, reference: Draft = fromServer.current) {
    const fresh = draftOf(server);
    // With a pitch as headline the server sends the pitch's text, not my own line: keep mine.
    if (server.headline_pitch_id !== null) fresh.headline = reference.headline;
    fromServer.current = fresh;
    setCard(server);
    setData((current) => merged(current, reference, fresh));
  }

  const toggle = (field: CardField) =>
    setData((d) => ({
      ...d,
      shared_fields: d.shared_fields.includes(field) ? d.shared_fields.filter((f) => f !== field) : [...d.shared_fields, field],
    }));
  const fieldError = (field: string) => error?.fieldMessage(field);

  async function save(event: Event) {
    event.preventDefault();
    const sent = data;
    setBusy(true);
    setError(null);
    try {
      adopt(await people.saveCard(sent), sent);
      announce("Your card is saved.", "success");
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  async function chooseHeadlinePitch(pitchId: string) {
    try {
      adopt(await people.cardSettings(pitchId ? { headline_pitch_id: pitchId } : { clear_headline_pitch: true }));
      announce(pitchId ? "Your headline is now that pitch." : "Your headline is your own line again.", "success");
    } catch (err) {
      announce(asApiError(err).detail, "error");
    }
  }

  async function changePhoto(change: () => Promise<Card>, done: string) {
    setPhotoError(null);
    try {
      adopt(await change());
      announce(done, "success");
    } catch (err) {
      const problem = asApiError(err);
      setPhotoError(problem.fieldMessage("photo") ?? problem.detail);
    }
  }

  function upload(input: HTMLInputElement) {
    const file = input.files?.[0];
    input.value = ""; // choosing the same file again is a new attempt
    if (file) void changePhoto(() => people.uploadPhoto(file), "Photo saved.");
  }

  function addInterest(event: Event) {
    event.preventDefault();
    const tag = newInterest.trim();
    if (tag && !data.interests.includes(tag)) setData((d) => ({ ...d, interests: [...d.interests, tag] }));
    setNewInterest("");
  }

  return (
    <section class="stack-lg">
      <div class="title-row">
        <h1 tabIndex={-1}>My card</h1>
        <a class="button button-secondary" href="/pitches">
          My pitches
        </a>
      </div>
      <p class="muted">
        People who scan your badge receive the fields marked <strong>Shared</strong>. Change it
        any time: they see the change.
      </p>
      <form class="stack panel my-card" onSubmit={save} noValidate>
        <ErrorBox error={error} shownFields={[...TEXT_FIELDS.map((f) => f.key), "headline", "interests", "goals"]} />
        <div class="card-field photo-field">
          <div class="card-field-top">
            <span class="label-like">Photo</span>
            <ShareSwitch field="photo" label="Photo" shared={shared.includes("photo")} onToggle={toggle} />
          </div>
          {card.has_photo && <img class="person-photo" src={`/api/v1/me/card/photo?v=${encodeURIComponent(card.updated_at)}`} alt="Your photo" width={72} height={72} />}
          <div class="actions">
            <label class="button button-secondary file-button">
              {card.has_photo ? "Change photo" : "Add a photo"}
              <input type="file" accept="image/jpeg,image/png" class="visually-hidden" aria-describedby="photo-hint" onChange={(e) => upload(e.currentTarget)} />
            </label>
            {card.has_photo && (
              <Button kind="quiet" onClick={() => changePhoto(() => people.removePhoto(), "Photo removed.")}>
                Remove photo
              </Button>
            )}
          </div>
          <p class="field-hint" id="photo-hint">
            JPEG or PNG, at most 200 KB.
          </p>
          {photoError && (
            <p class="field-error" role="alert">
              {photoError}
            </p>
          )}
        </div>
        {TEXT_FIELDS.map((f) => (
          <div key={f.key} class={fieldError(f.key) ? "card-field field-invalid" : "card-field"}>
            <div class="card-field-top">
              <label for={`card-${f.key}`}>{f.label}</label>
              <ShareSwitch field={f.key} label={f.label} shared={shared.includes(f.key)} onToggle={toggle} />
            </div>
            <input
              // Preact types <input> as a union keyed by `type`; one element serves four.
              {...({ type: f.type } as InputHTMLAttributes<HTMLInputElement>)}
              id={`card-${f.key}`}
              value={data[f.key]}
              autoComplete={f.autoComplete}
              placeholder={f.placeholder}
              aria-invalid={fieldError(f.key) ? true : undefined}
              aria-describedby={fieldError(f.key) ? `card-${f.key}-error` : undefined}
              onInput={(e) => {
                const value = e.currentTarget.value;
                setData((d) => ({ ...d, [f.key]: value }));
              }}
            />
            {fieldError(f.key) && (
              <p class="field-error" id={`card-${f.key}-error`}>
                {fieldError(f.key)}
              </p>
            )}
          </div>
        ))}
        <div class={fieldError("headline") ? "card-field field-invalid" : "card-field"}>
          <div class="card-field-top">
            <label for="card-headline">Headline</label>
            <ShareSwitch field="headline" label="Headline" shared={shared.includes("headline")} onToggle={toggle} />
          </div>
          <input
            id="card-headline"
            value={card.headline_pitch_id !== null ? card.headline : data.headline}
            maxLength={200}
            readOnly={card.headline_pitch_id !== null}
            placeholder="One line about you"
            onInput={(e) => {
              const value = e.currentTarget.value;
              setData((d) => ({ ...d, headline: value }));
            }}
          />
          {fieldError("headline") && <p class="field-error">{fieldError("headline")}</p>}
          {(pitches.data?.length ?? 0) > 0 && (
            <div class="field">
              <label for="card-headline-pitch">Or use one of my pitches</label>
              <select id="card-headline-pitch" value={card.headline_pitch_id ?? ""} onChange={(e) => chooseHeadlinePitch(e.currentTarget.value)}>
                <option value="">My own line (above)</option>
                {pitches.data?.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.title}
                  </option>
                ))}
              </select>
            </div>
          )}
        </div>
        <div class={fieldError("interests") ? "card-field field-invalid" : "card-field"}>
          <div class="card-field-top">
            <span class="label-like" id="interests-label">
              Interests
            </span>
            <ShareSwitch field="interests" label="Interests" shared={shared.includes("interests")} onToggle={toggle} />
          </div>
          {data.interests.length > 0 && (
            <ul class="chips" aria-labelledby="interests-label">
              {data.interests.map((tag) => (
                <li key={tag}>
                  <button type="button" class="chip" aria-label={`Remove ${tag}`} onClick={() => setData((d) => ({ ...d, interests: d.interests.filter((t) => t !== tag) }))}>
                    {tag} <span aria-hidden="true">×</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <div class="inline-add">
            <label for="new-interest" class="visually-hidden">
              New interest
            </label>
            <input id="new-interest" value={newInterest} maxLength={80} placeholder="e.g. battery recycling" onInput={(e) => setNewInterest(e.currentTarget.value)} onKeyDown={(e) => e.key === "Enter" && addInterest(e)} />
            <Button kind="secondary" onClick={addInterest}>
              Add
            </Button>
          </div>
          {fieldError("interests") && <p class="field-error">{fieldError("interests")}</p>}
        </div>
        <div class={fieldError("goals") ? "card-field field-invalid" : "card-field"}>
          <div class="card-field-top">
            <label for="card-goals">What I'm looking for</label>
            <ShareSwitch field="goals" label="Goals" shared={shared.includes("goals")} onToggle={toggle} />
          </div>
          <textarea
            id="card-goals"
            rows={2}
            value={data.goals}
            maxLength={300}
            placeholder="e.g. Pilot customers for heat-pump retrofits in Lyon"
            aria-describedby="card-goals-hint"
            aria-invalid={fieldError("goals") ? true : undefined}
            onInput={(e) => {
              const value = e.currentTarget.value;
              setData((d) => ({ ...d, goals: value }));
            }}
          />
          <p class="field-hint" id="card-goals-hint">
            Private unless you share it. Shared, people who scan your badge or find you in an
            event's directory see it.
          </p>
          {fieldError("goals") && <p class="field-error">{fieldError("goals")}</p>}
        </div>
        <div class="actions">
          <Button type="submit" busy={busy} busyLabel="Saving…">
            Save my card
          </Button>
        </div>
      </form>
      <p>
        <a href="/account">My data and account</a>: download everything you keep here, or delete
        your account.
      </p>
    </section>
  );
}
