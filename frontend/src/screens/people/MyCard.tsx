// /me: my card — what people I meet receive. Each field has a "Share" switch next to it;
// the server's field errors show next to the field. The headline can be one of my pitches.
import type { InputHTMLAttributes } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ApiError } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
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
  { key: "phone", label: "Phone", type: "tel", autoComplete: "tel", placeholder: "+49 151 2345678" },
  { key: "linkedin_url", label: "LinkedIn", type: "url", autoComplete: "url", placeholder: "https://www.linkedin.com/in/you" },
  { key: "website", label: "Website", type: "url", autoComplete: "url", placeholder: "https://example.com" },
];

export default function MyCard() {
  const card = useApi(() => people.myCard(), []);
  if (card.loading && !card.data) return <Loading label="Loading your card…" />;
  if (!card.data) {
    return (
      <section class="panel">
        <h1 tabIndex={-1}>Your card could not load</h1>
        <ErrorBox error={card.error}>
          <Button kind="secondary" onClick={card.reload}>
            Try again
          </Button>
        </ErrorBox>
      </section>
    );
  }
  return <CardForm initial={card.data} />;
}

function inputOf(card: Card): CardInput {
  const { name, title, company, email, phone, linkedin_url, website, headline, interests } = card;
  return { name, title, company, email, phone, linkedin_url, website, headline, interests };
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
  const [card, setCard] = useState<Card>(initial);
  const [data, setData] = useState<CardInput>(inputOf(initial));
  const [shared, setShared] = useState<CardField[]>(initial.shared_fields);
  const [newInterest, setNewInterest] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const pitches = useApi(() => people.pitches(), []);

  useEffect(() => {
    setData(inputOf(card));
    setShared(card.shared_fields);
  }, [card]);

  const toggle = (field: CardField) =>
    setShared(shared.includes(field) ? shared.filter((f) => f !== field) : [...shared, field]);
  const fieldError = (field: string) => error?.fieldMessage(field);

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setCard(await people.saveCard({ ...data, shared_fields: shared }));
      announce("Your card is saved.", "success");
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  async function chooseHeadlinePitch(pitchId: string) {
    try {
      setCard(await people.cardSettings(pitchId ? { headline_pitch_id: pitchId } : { clear_headline_pitch: true }));
      announce(pitchId ? "Your headline is now that pitch." : "Your headline is your own line again.", "success");
    } catch (err) {
      announce(asApiError(err).detail, "error");
    }
  }

  async function upload(file: File | undefined) {
    if (!file) return;
    try {
      setCard(await people.uploadPhoto(file));
      announce("Photo saved.", "success");
    } catch (err) {
      const problem = asApiError(err);
      setError(problem);
    }
  }

  function addInterest(event: Event) {
    event.preventDefault();
    const tag = newInterest.trim();
    if (tag && !data.interests.includes(tag)) setData({ ...data, interests: [...data.interests, tag] });
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
        <ErrorBox error={error} shownFields={[...TEXT_FIELDS.map((f) => f.key), "headline", "interests", "photo"]} />
        <div class="card-field photo-field">
          <div class="card-field-top">
            <span class="label-like">Photo</span>
            <ShareSwitch field="photo" label="Photo" shared={shared.includes("photo")} onToggle={toggle} />
          </div>
          {card.has_photo && <img class="person-photo" src={`/api/v1/me/card/photo?v=${encodeURIComponent(card.updated_at)}`} alt="Your photo" width={72} height={72} />}
          <div class="actions">
            <label class="button button-secondary file-button">
              {card.has_photo ? "Change photo" : "Add a photo"}
              <input type="file" accept="image/jpeg,image/png" class="visually-hidden" onChange={(e) => upload(e.currentTarget.files?.[0])} />
            </label>
            {card.has_photo && (
              <Button kind="quiet" onClick={async () => setCard(await people.removePhoto())}>
                Remove photo
              </Button>
            )}
          </div>
          <p class="field-hint">JPEG or PNG, at most 200 KB.</p>
          {fieldError("photo") && <p class="field-error">{fieldError("photo")}</p>}
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
              onInput={(e) => setData({ ...data, [f.key]: e.currentTarget.value })}
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
            value={data.headline}
            maxLength={200}
            readOnly={card.headline_pitch_id !== null}
            placeholder="One line about you"
            onInput={(e) => setData({ ...data, headline: e.currentTarget.value })}
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
                  <button type="button" class="chip" aria-label={`Remove ${tag}`} onClick={() => setData({ ...data, interests: data.interests.filter((t) => t !== tag) })}>
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
        <div class="actions">
          <Button type="submit" busy={busy} busyLabel="Saving…">
            Save my card
          </Button>
        </div>
      </form>
    </section>
  );
}
