// "People to meet": listed attendees who share interests with my card, with the reason.
import { Button } from "../../components/Button";
import { DirectoryPerson } from "../../components/directory/DirectoryPerson";
import { ErrorBox } from "../../components/ErrorBox";
import { Loading } from "../../components/Loading";
import { directory } from "../../directory-api";
import { useApi } from "../../hooks";

interface Props {
  eventId: string;
  /** My card's interests: without any there is nothing to match on. */
  myInterests: string[];
  /** Bumped when someone is added anywhere on the screen, so the list asks again. */
  version: number;
  onAdded: () => void;
}

export function PeopleToMeet({ eventId, myInterests, version, onAdded }: Props) {
  const page = useApi(() => directory.peopleToMeet(eventId), [eventId, version]);
  return (
    <section class="panel" aria-labelledby="meet-title">
      <h2 id="meet-title">People to meet</h2>
      <p class="muted small">
        People listed here who share interests with your card, most in common first. People
        already in your contacts are left out.
      </p>
      {myInterests.length === 0 ? (
        <p>
          <a href="/me">Add interests to your card to get suggestions</a>.
        </p>
      ) : (
        <>
          <ErrorBox error={page.error}>
            <Button kind="secondary" onClick={page.reload}>
              Try again
            </Button>
          </ErrorBox>
          {page.loading && !page.data && <Loading label="Finding people to meet…" />}
          {page.data && page.data.total === 0 && (
            <p class="muted">
              Nobody listed yet shares your interests ({myInterests.join(", ")}). Look through
              the directory below, or <a href="/me">add more interests to your card</a>.
            </p>
          )}
          {page.data && page.data.items.length > 0 && (
            <ul class="people">
              {page.data.items.map((s) => (
                <DirectoryPerson
                  key={s.person.attendee_id}
                  eventId={eventId}
                  person={s.person}
                  reason={s.reason}
                  onAdded={onAdded}
                />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
