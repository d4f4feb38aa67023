// My account as a whole: the export of everything I own, and deleting the account
// (see schemas/account.py).
import { request } from "./api";
import type { Job } from "./jobs-api";

/** Start the JSON export of everything I own (a background job that makes the file). */
export const exportAll = () => request<Job>("/me/export", { method: "POST" });

export interface DeletePreview {
  email: string;
  contacts: number;
  notes: number;
  follow_ups: number;
  follow_ups_waiting_to_send: number;
  registrations: number;
  pitches: number;
  look_for_entries: number;
  introductions: number;
  sole_organizer_events: { id: string; name: string }[];
}

export const account = {
  deletePreview: () => request<DeletePreview>("/me/delete-preview"),
  deleteAccount: (confirmEmail: string, deleteMyEvents: boolean) =>
    request<void>("/me/delete", {
      method: "POST",
      body: { confirm_email: confirmEmail, delete_my_events: deleteMyEvents },
      redirectOn401: false,
    }),
};
