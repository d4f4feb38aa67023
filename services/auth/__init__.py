"""Who someone is: sign-in links, sessions, and the random tokens every secret link is made of."""
