// /events/:id/badge: my badge, made to be scanned: a very large QR code on white with a wide
// quiet zone, and my name big enough to read across a table.
import { api } from "../api";
import { Loading } from "../components/Loading";
import { useApi } from "../hooks";
import type { ScreenProps } from "../router";
import { LoadFailed } from "../components/LoadFailed";

export default function Badge({ params }: ScreenProps) {
  const badge = useApi(() => api.badge(params.id), [params.id]);

  if (badge.loading && !badge.data) return <Loading label="Loading your badge…" />;
  if (badge.error || !badge.data) {
    const missing = badge.error?.status === 404 || badge.error?.status === 403;
    return (
      <LoadFailed
        title={missing ? "No badge here" : "Your badge could not load"}
        error={badge.error}
        onRetry={missing ? undefined : badge.reload}
      />
    );
  }
  const { name, company, title, event_name: eventName, qr_svg_url: qrUrl } = badge.data;
  return (
    <section class="badge-screen">
      <div class="badge">
        <img
          class="badge-qr"
          src={qrUrl}
          alt={`QR code of ${name}'s badge`}
          width={320}
          height={320}
        />
        <h1 class="badge-name" tabIndex={-1}>
          {name}
        </h1>
        {(title || company) && (
          <p class="badge-role">{[title, company].filter(Boolean).join(" · ")}</p>
        )}
        <p class="badge-event">{eventName}</p>
      </div>
      <p class="hint">Turn your screen brightness up so the scanner at the door reads it at once.</p>
      <p class="breadcrumb">
        <a href="/">My events</a>
      </p>
    </section>
  );
}
