// The event form, for creating an event and for editing one: name, venue, time zone, start and
// end. Times are wall-clock times at the event; the server reads them in the event's zone.
import { useMemo, useState } from "preact/hooks";
import { ApiError, type EventInput, fieldProblem } from "../api";
import { asApiError } from "../hooks";
import { browserTimeZone, timeZones } from "../format";
import { Button } from "./Button";
import { ErrorBox } from "./ErrorBox";
import { SelectField, TextField } from "./Field";

const FIELDS = ["name", "venue", "timezone", "starts_at", "ends_at"];

interface Props {
  initial?: EventInput;
  submitLabel: string;
  busyLabel: string;
  onSubmit: (data: EventInput) => Promise<void>;
  onCancel?: () => void;
}

export function blankEvent(): EventInput {
  return { name: "", venue: "", timezone: browserTimeZone(), starts_at: "", ends_at: "" };
}

export function EventForm({ initial, submitLabel, busyLabel, onSubmit, onCancel }: Props) {
  const [data, setData] = useState<EventInput>(initial ?? blankEvent());
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const zones = useMemo(() => timeZones(data.timezone), [data.timezone]);
  const set = (key: keyof EventInput) => (value: string) => setData({ ...data, [key]: value });
  const fieldError = (field: string) => error?.fieldMessage(field);

  async function submit(event: Event) {
    event.preventDefault();
    // `required` lets a name of spaces through; the server refuses it, so say so at once.
    if (!data.name.trim()) {
      setError(fieldProblem("name", "Give the event a name."));
      (event.currentTarget as HTMLFormElement).querySelector<HTMLElement>("[name=name]")?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit(data);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="stack" onSubmit={submit}>
      <ErrorBox error={error} shownFields={FIELDS} />
      <TextField
        label="Name"
        name="name"
        required
        maxLength={200}
        value={data.name}
        onValue={set("name")}
        error={fieldError("name")}
      />
      <TextField
        label="Venue"
        name="venue"
        maxLength={300}
        value={data.venue}
        onValue={set("venue")}
        error={fieldError("venue")}
      />
      <SelectField
        label="Time zone"
        name="timezone"
        hint="Start and end are times on the clock at the event."
        value={data.timezone}
        options={zones}
        onValue={set("timezone")}
        error={fieldError("timezone")}
      />
      <div class="field-row">
        <TextField
          label="Starts"
          name="starts_at"
          type="datetime-local"
          required
          value={data.starts_at}
          onValue={set("starts_at")}
          error={fieldError("starts_at")}
        />
        <TextField
          label="Ends"
          name="ends_at"
          type="datetime-local"
          required
          value={data.ends_at}
          onValue={set("ends_at")}
          error={fieldError("ends_at")}
        />
      </div>
      <div class="actions">
        <Button type="submit" busy={busy} busyLabel={busyLabel}>
          {submitLabel}
        </Button>
        {onCancel && (
          <Button kind="secondary" onClick={onCancel}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
