// Buttons with one look everywhere; `busy` disables and says so while a request runs.
import type { ButtonHTMLAttributes, ComponentChildren } from "preact";

type Props = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "type" | "children"> & {
  kind?: "primary" | "secondary" | "danger" | "quiet";
  type?: "button" | "submit";
  busy?: boolean;
  busyLabel?: string;
  children: ComponentChildren;
};

export function Button({
  kind = "primary",
  type = "button",
  busy = false,
  busyLabel,
  children,
  disabled,
  ...rest
}: Props) {
  return (
    <button
      {...rest}
      type={type}
      class={`button button-${kind}`}
      disabled={busy || Boolean(disabled)}
      aria-busy={busy || undefined}
    >
      {busy && busyLabel ? busyLabel : children}
    </button>
  );
}
