// Any path the app does not know.

export default function NotFound() {
  return (
    <section class="panel narrow">
      <h1 tabIndex={-1}>Page not found</h1>
      <p>There is nothing at this address. It may have moved, or the link is incomplete.</p>
      <p>
        <a class="button button-primary" href="/">
          Go to my events
        </a>
      </p>
    </section>
  );
}
