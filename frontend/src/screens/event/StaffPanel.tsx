// The organizers and door staff of an event, and inviting someone to the door team by email.
import { useState } from "preact/hooks";
import { api, ApiError } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { TextField } from "../../components/Field";
import { Loading } from "../../components/Loading";
import { announce } from "../../components/Status";
import { asApiError, useApi } from "../../hooks";

const ROLE_NAMES: Record<string, string> = { organizer: "Organizer", staff: "Door staff" };

export function StaffPanel({ eventId }: { eventId: string }) {
  const staff = useApi(() => api.staff(eventId), [eventId]);
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function invite(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const member = await api.inviteStaff(eventId, email.trim(), name.trim());
      announce(`${member.email} is on the door team; we mailed them a sign-in link.`, "success");
      setEmail("");
      setName("");
      staff.reload();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="panel" aria-labelledby="staff-title">
      <h2 id="staff-title">Door team</h2>
      {staff.loading && !staff.data && <Loading label="Loading the team…" />}
      <ErrorBox error={staff.error} />
      {staff.data && (
        <ul class="people">
          {staff.data.map((member) => (
            <li key={`${member.user_id}-${member.role}`}>
              <span class="person-name">{member.name || member.email}</span>
              <span class="person-meta">
                {ROLE_NAMES[member.role] ?? member.role}
                {member.name ? ` · ${member.email}` : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3>Invite door staff</h3>
      <form class="stack" onSubmit={invite}>
        <ErrorBox error={error} shownFields={["email", "name"]} />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="off"
          autoCapitalize="none"
          required
          value={email}
          onValue={setEmail}
          error={error?.fieldMessage("email")}
        />
        <TextField
          label="Name (optional)"
          name="name"
          maxLength={200}
          value={name}
          onValue={setName}
          error={error?.fieldMessage("name")}
        />
        <div class="actions">
          <Button type="submit" busy={busy} busyLabel="Inviting…">
            Invite
          </Button>
        </div>
      </form>
    </section>
  );
}
