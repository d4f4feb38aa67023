// What the door's screens show to people who are not on the event's door team.
import { ApiError } from "../../api";
import { ErrorBox } from "../../components/ErrorBox";

export function NotDoorTeam(props: { eventId: string; title: string; message: string }) {
  return (
    <section class="panel">
      <h1 tabIndex={-1}>{props.title}</h1>
      <ErrorBox error={new ApiError(403, "forbidden", props.message)} />
      <p>
        <a href={`/events/${props.eventId}`}>Back to the event</a>
      </p>
    </section>
  );
}
