"""The four templates every user starts with, in our own words.

They use only the placeholders of `templates.PLACEHOLDERS`, mostly the whole sentences that
`services.followups.wording` makes of each fact (`opening`, `topic_sentence`,
`promise_sentence`, …: several phrasings each, chosen per contact), and each reads well with
every value known and with none: a missing value drops its sentence rather than leave a gap.
A promise reads as a link to send ("here is the link to the slides: …") only when drafting
judged it a thing to send (`resource`); any other promise (an introduction, a call) is named,
with its link if I noted one. Where a link is wanted and I noted none, the text says "[link]":
approval refuses a message that still says it (services.followups.queue), so it is filled in or
removed by hand, never sent as is.

A user's default templates are saved rows (services.followups.templates); when the wording
here changes, a migration brings the rows the user never edited to it (e.g. 0007 for `link`,
0010f for the sentences).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.models.followups import TemplateKind

_GREETING = "{% if first_name %}Hi {{ first_name }},{% else %}Hello,{% endif %}\n\n"
# The wording of each fact is made in services.followups.wording: whole sentences, several ways
# of saying each, so the templates only place them.
_PERSONAL = "{% if personal_sentence %}\n\nP.S. {{ personal_sentence }}{% endif %}"
_CLOSING = "\n\n{% if my_signature %}{{ my_signature }}{% else %}{{ my_name }}{% endif %}"
_TOPIC = "{% if topic_sentence %} {{ topic_sentence }}{% endif %}"

# A promise as its sentence (a thing to send with its link, or the promise named); a message
# written without a promise still carries the link we talked about.
_PROMISED = (
    "{% if promise_sentence %}{{ promise_sentence }}{% else %}"
    "Here is the link I mentioned: [link]{% endif %}\n\n"
    "{% if resource or not promise %}{{ ask }}" + _TOPIC + "{% else %}"
    "{{ topic_sentence }}{% endif %}"
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
        body=_GREETING + "{{ opening }} " + _PROMISED + _PERSONAL + _CLOSING,
    ),
    DefaultTemplate(
        kind=TemplateKind.conversation,
        name="A great conversation",
        subject="Great talking to you{% if event %} at {{ event }}{% endif %}",
        body=_GREETING
        + "{{ opening }}"
        + _TOPIC
        + "\n\n{% if next_step_sentence %}{{ next_step_sentence }}\n\n{% endif %}"
        "{{ stay_in_touch }}" + _PERSONAL + _CLOSING,
    ),
    DefaultTemplate(
        kind=TemplateKind.meet_again,
        name="Let's meet again",
        subject="Shall we continue our conversation{% if topic %} about {{ topic }}{% endif %}?",
        body=_GREETING + "{{ opening }} {{ pick_up }}"
        "{% if next_step_sentence %} {{ next_step_sentence }}{% endif %}\n\n"
        "Would you have half an hour for a call or a coffee in the next weeks? "
        "Tell me what suits you." + _PERSONAL + _CLOSING,
    ),
    DefaultTemplate(
        kind=TemplateKind.introduction,
        name="An introduction",
        subject="An introduction{% if topic %}: {{ topic }}{% endif %}",
        body=_GREETING + "{{ opening }} Since then I have thought of someone you "
        "should meet: [name], who [why they should talk]."
        "{% if topic %} You both care about {{ topic }}.{% endif %}\n\n"
        "If you are happy for me to introduce you, just reply and I will put you in touch."
        + _CLOSING,
    ),
)
