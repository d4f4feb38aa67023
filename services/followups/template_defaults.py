"""The four templates every user starts with, in our own words.

They use only the placeholders of `templates.PLACEHOLDERS`, and each reads well with every
value known and with none: a missing value drops its sentence rather than leave a gap.
A promise reads as a link to send ("here is the link to the slides: …") only when drafting
judged it a thing to send (`resource`); any other promise (an introduction, a call) is named,
with its link if I noted one. Where a link is wanted and I noted none, the text says "[link]":
approval refuses a message that still says it (services.followups.queue), so it is filled in or
removed by hand, never sent as is.

A user's default templates are saved rows (services.followups.templates); when the wording
here changes, a migration brings the rows the user never edited to it (e.g. 0007 for `link`).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.models.followups import TemplateKind

_GREETING = "{% if first_name %}Hi {{ first_name }},{% else %}Hello,{% endif %}\n\n"
_WHERE = "{% if event %} at {{ event }}{% endif %}{% if met_on %} on {{ met_on }}{% endif %}"
_PERSONAL = (
    "{% if personal_detail %}\n\n"
    "P.S. You mentioned {{ personal_detail }}: I hope it goes well.{% endif %}"
)
_CLOSING = "\n\n{% if my_signature %}{{ my_signature }}{% else %}{{ my_name }}{% endif %}"
_WHAT_YOU_MAKE_OF_IT = (
    "{% if topic %}I would be glad to hear what you make of it, given what you said "
    "about {{ topic }}.{% else %}I would be glad to hear what you make of it.{% endif %}"
)

# The promise's link; without one, the marker the user must replace before approving.
_LINK = "{% if link %}{{ link }}{% else %}[link]{% endif %}"

# A thing to send gets its link; any other promise is named and kept (with its link, if I noted
# one); no promise, the link we talked about.
_PROMISED = (
    "{% if resource %}As promised, here is the link to {{ resource }}: "
    + _LINK
    + "\n\n"
    + _WHAT_YOU_MAKE_OF_IT
    + "{% elif promise %}I have not forgotten what I promised: {{ promise }}. "
    "{% if link %}Here is the link: {{ link }}{% else %}"
    "I will be in touch about it very soon.{% endif %}"
    "{% if topic %}\n\nI keep thinking about what you said about {{ topic }}.{% endif %}"
    "{% else %}Here is the link I mentioned: "
    + _LINK
    + "\n\n"
    + _WHAT_YOU_MAKE_OF_IT
    + "{% endif %}"
)


@dataclass(frozen=True)
class DefaultTemplate:
    kind: TemplateKind
    name: str
    subject: str
    body: str


DEFAULT_TEMPLATES: tuple[DefaultTemplate, ...] = (
    DefaultTemplate(
        kind=TemplateKind.resource,
        name="The thing I promised",
        subject="{% if event %}From {{ event }}: "
        "{% if promise and not resource %}{{ promise }}{% else %}what I promised to send you"
        "{% endif %}{% elif promise and not resource %}{{ promise }}"
        "{% else %}What I promised to send you{% endif %}",
        body=_GREETING
        + "it was good to meet you"
        + _WHERE
        + ". "
        + _PROMISED
        + _PERSONAL
        + _CLOSING,
    ),
    DefaultTemplate(
        kind=TemplateKind.conversation,
        name="A great conversation",
        subject="Great talking to you{% if event %} at {{ event }}{% endif %}",
        body=_GREETING + "thank you for the conversation" + _WHERE + "."
        "{% if topic %} I have been thinking about what you said about {{ topic }} "
        "since.{% endif %}"
        + "\n\n{% if next_step %}As a next step: {{ next_step }}.\n\n{% endif %}"
        "Let's stay in touch." + _PERSONAL + _CLOSING,
    ),
    DefaultTemplate(
        kind=TemplateKind.meet_again,
        name="Let's meet again",
        subject="Shall we continue our conversation{% if topic %} about {{ topic }}{% endif %}?",
        body=_GREETING + "I enjoyed meeting you" + _WHERE + " and would like to pick up "
        "where we left off{% if topic %} on {{ topic }}{% endif %}."
        "{% if next_step %} You mentioned: {{ next_step }}.{% endif %}\n\n"
        "Would you have half an hour for a call or a coffee in the next weeks? "
        "Tell me what suits you." + _PERSONAL + _CLOSING,
    ),
    DefaultTemplate(
        kind=TemplateKind.introduction,
        name="An introduction",
        subject="An introduction{% if topic %}: {{ topic }}{% endif %}",
        body=_GREETING + "after our conversation" + _WHERE + " I thought of someone you "
        "should meet: [name], who [why they should talk]."
        "{% if topic %} You both care about {{ topic }}.{% endif %}\n\n"
        "If you are happy for me to introduce you, just reply and I will put you in touch."
        + _CLOSING,
    ),
)
