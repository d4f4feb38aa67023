// The route table: every screen of the app, in the order they are matched. Screens that are
// not needed on first load are split out with `load` (fetched the first time they open).
import type { Route } from "./router";
import MyEvents from "./screens/MyEvents";
import NotFound from "./screens/NotFound";
import SignIn from "./screens/SignIn";
import Verify from "./screens/Verify";

export const routes: Route[] = [
  { path: "/", title: "My events", access: "signed-in", screen: MyEvents },
  { path: "/signin", title: "Sign in", access: "anyone", screen: SignIn },
  { path: "/signin/verify", title: "Signing in", access: "anyone", screen: Verify },
  {
    path: "/events/:id",
    title: "Event",
    access: "signed-in",
    load: () => import("./screens/EventPage"),
  },
  {
    path: "/events/:id/directory",
    title: "Directory",
    access: "signed-in",
    load: () => import("./screens/event/Directory"),
  },
  {
    path: "/events/:id/agenda",
    title: "My agenda",
    access: "signed-in",
    load: () => import("./screens/event/Agenda"),
  },
  {
    path: "/events/:id/meet/:attendeeId",
    title: "Ask for a meeting",
    access: "signed-in",
    load: () => import("./screens/event/AskMeeting"),
  },
  {
    path: "/events/:id/look-for",
    title: "Who I'm looking for",
    access: "signed-in",
    load: () => import("./screens/event/LookFor"),
  },
  {
    path: "/events/:id/badge",
    title: "My badge",
    access: "signed-in",
    load: () => import("./screens/Badge"),
  },
  // The door: staff scanner, live view, self check-in (in the app, or from the poster's link).
  {
    path: "/events/:id/door",
    title: "Door scanner",
    access: "signed-in",
    load: () => import("./screens/door/DoorScanner"),
  },
  {
    path: "/events/:id/live",
    title: "Live view",
    access: "signed-in",
    load: () => import("./screens/door/LiveView"),
  },
  {
    path: "/events/:id/self-check-in",
    title: "Self check-in",
    access: "signed-in",
    load: () => import("./screens/door/SelfCheckIn"),
  },
  {
    path: "/door/:token",
    title: "Self check-in",
    access: "signed-in",
    load: () => import("./screens/door/SelfCheckIn").then((m) => ({ default: m.PosterLanding })),
  },
  {
    path: "/b/:token",
    title: "Badge",
    access: "anyone",
    load: () => import("./screens/BadgeLanding"),
  },
  // Meeting people: my card, scanning, contacts, notes, promises, pitches.
  { path: "/me", title: "My card", access: "signed-in", load: () => import("./screens/people/MyCard") },
  {
    path: "/account",
    title: "My data and account",
    access: "signed-in",
    load: () => import("./screens/Account"),
  },
  { path: "/scan", title: "Scan", access: "signed-in", load: () => import("./screens/people/Scan") },
  {
    path: "/contacts",
    title: "Contacts",
    access: "signed-in",
    load: () => import("./screens/people/Contacts"),
  },
  {
    path: "/contacts/:id",
    title: "Contact",
    access: "signed-in",
    load: () => import("./screens/people/ContactPage"),
  },
  {
    path: "/contacts/:id/introduce",
    title: "Introduce",
    access: "signed-in",
    load: () => import("./screens/people/Introduce"),
  },
  {
    path: "/contacts/:id/meet",
    title: "Ask for a meeting",
    access: "signed-in",
    load: () => import("./screens/event/AskMeeting").then((m) => ({ default: m.FromContact })),
  },
  {
    path: "/introductions",
    title: "Introductions",
    access: "signed-in",
    load: () => import("./screens/people/Introductions"),
  },
  // Where the two people asked about an introduction answer: no account needed.
  {
    path: "/introduction-request",
    title: "Introduction",
    access: "anyone",
    load: () => import("./screens/IntroductionRequest"),
  },
  {
    path: "/contacts/:id/note",
    title: "Note",
    access: "signed-in",
    load: () => import("./screens/people/QuickCapture"),
  },
  {
    path: "/promises",
    title: "Promises",
    access: "signed-in",
    load: () => import("./screens/people/Promises"),
  },
  {
    path: "/pitches",
    title: "Pitches",
    access: "signed-in",
    load: () => import("./screens/people/Pitches"),
  },
  {
    path: "/pitches/:id/practice",
    title: "Practice",
    access: "signed-in",
    load: () => import("./screens/people/Practice"),
  },
  // Following up: the review queue, the list, templates, staying in touch.
  {
    path: "/follow-ups",
    title: "Follow-ups",
    access: "signed-in",
    load: () => import("./screens/followups/FollowUps"),
  },
  {
    path: "/follow-ups/review",
    title: "Review follow-ups",
    access: "signed-in",
    load: () => import("./screens/followups/ReviewQueue"),
  },
  {
    path: "/follow-ups/templates",
    title: "Templates",
    access: "signed-in",
    load: () => import("./screens/followups/Templates"),
  },
  {
    path: "/reminders",
    title: "Staying in touch",
    access: "signed-in",
    load: () => import("./screens/followups/Reminders"),
  },
];

export const notFound: Route = {
  path: "*",
  title: "Not found",
  access: "anyone",
  screen: NotFound,
};
