// "People to meet": listed attendees whom my look-for list finds (first) or who share
// interests with my card, each with the reasons.
import { Button } from "../../components/Button";
import { DirectoryPerson } from "../../components/directory/DirectoryPerson";
import { ErrorBox } from "../../components/ErrorBox";
import { Loading } from "../../components/Loading";
import { directory } from "../../directory-api";
import { useApi } from "../../hooks";

interface Props {
  eventId: string;
  /** My card's interests, to say what to do when nothing matches. */
  myInterests: string[];
  /** Bumped when someone is added anywhere on the screen, so the list asks again. */
  version: number;
  onAdded: () => void;
}

export function PeopleToMeet({ eventId, myInterests, version, onAdded }: Props) {
  const page = useApi(() => directory.peopleToMeet(eventId), [eventId, version]);
  const lookForList = `/events/${eventId}/look-for`;
  return (
    <section class="panel" aria-labelledby="meet-title">
      <h2 id="meet-title">People to meet</h2>
      <p class="muted small">
        People listed here whom <a href={lookForList}>your look-for list</a> finds come first,
        then those who share interests with your card, by what their cards share. People already
        in your contacts are left out.
      </p>
      <ErrorBox error={page.error}>
        <Button kind="secondary" onClick={page.reload}>
          Try again
        </Button>
      </ErrorBox>
      {page.loading && !page.data && <Loading label="Finding people to meet…" />}
      {page.data && page.data.total === 0 && (
        <p class={myInterests.length ? "muted" : undefined}>
          {myInterests.length === 0 ? (
            <>
              <a href="/me">Add interests to your card to get suggestions</a>, or{" "}
              <a href={lookForList}>say who you are looking for</a>.
            </>
          ) : (
            <>
              Nobody listed yet shares your interests ({myInterests.join(", ")}) or matches your
              look-for list. Look through the directory below, or <a href="/me">add more interests to your card</a>.
            </>
          )}
        </p>
      )}
      {page.data && page.data.items.length > 0 && (
        <ul class="people">
          {page.data.items.map((s) => (
            <DirectoryPerson
              key={s.person.attendee_id}
              eventId={eventId}
              person={s.person}
              reasons={s.reasons}
              onAdded={onAdded}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
