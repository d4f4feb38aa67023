// A search box with its button, for lists that search when the person presses Search (or
// Enter), not on every key: `onSearch` gets the trimmed text.
import { useState } from "preact/hooks";
import { Button } from "./Button";

interface Props {
  id: string;
  label: string;
  placeholder: string;
  onSearch: (query: string) => void;
}

export function SearchForm({ id, label, placeholder, onSearch }: Props) {
  const [typed, setTyped] = useState("");
  return (
    <form
      class="search"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(typed.trim());
      }}
    >
      <label for={id} class="visually-hidden">
        {label}
      </label>
      <input
        id={id}
        type="search"
        name="q"
        maxLength={100}
        placeholder={placeholder}
        value={typed}
        onInput={(e) => setTyped(e.currentTarget.value)}
      />
      <Button type="submit" kind="secondary">
        Search
      </Button>
    </form>
  );
}
