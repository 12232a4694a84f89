"""Spam campaigns for the learning-loop tests and bench/learning.py: spun templates, so each
draw is a new variant of the same pitch, as campaign bots post them. Hand-written."""

from __future__ import annotations

import random
import re

_CHOICE = re.compile(r"\{([^{}]*)\}")

CAMPAIGNS = {
    # Plain prose pushing one book, no links: the shipped model publishes it.
    "book": "{Everyone discussing this should read|Before commenting here, please read|If you "
    "want the real story, pick up|My whole family finally understood this after reading|Honestly "
    "the only thing that explains this is|Nobody in the media will tell you about|I keep "
    "recommending|You will see it differently after} {The Quiet Ledger by Harmon Vale.|Harmon "
    "Vale's book The Quiet Ledger, chapter {four|six|nine} predicted all of it.|The Quiet Ledger, "
    "Harmon Vale saw this coming years ago.|The Quiet Ledger (Harmon Vale). Worth every penny.|"
    "Harmon Vale and his Quiet Ledger, read it before it gets banned.}",
    "recovery": "{I lost|I was scammed out of|A fake broker took} ${4,000|12,500|30,000|7,800|950} "
    "{last year|in 2025|on a trading app|through a crypto site} and {thought it was gone forever|"
    "had given up hope|was devastated}. {Thanks to|Then I found|A friend introduced me to} {Agent "
    "Morrow|Mr. Kessler Morrow|Morrow Recovery Desk} {who|and he} {got every penny back|recovered "
    "my funds in {48 hours|3 days|a week}|helped me get it all back}. {Contact him|Reach him|Write "
    "to him} {at|on} {morrowrecovery at gmail dot com|morrow.recovery(at)proton.me|WhatsApp +1 "
    "(315) 555 0137}{.| and thank me later.|, he is genuine.}",
    "workhome": "{My neighbour|My sister|My best friend's mum|A retired teacher I know} {makes|"
    "earns|is getting} ${320|450|610|280} {a day|per day|daily} {working from home|from her "
    "laptop|online} {with one simple method|with no experience|in her spare time}. {I tried it "
    "too|I started last month|I was sceptical too} and {now I earn|I already made|this week I "
    "got} ${2,900|3,400|5,100}. {Search|Google|Look up} {'Home Profit Circle'|HomeProfitCircle|"
    "Home Profit Circle online} {to start|and see for yourself|for details}{.|!|!!}",
    "supplement": "{My husband|My dad|I} {had|suffered from|struggled with} {joint pain|high "
    "blood sugar|terrible sleep} for {years|a decade|ages} {until|before} {we|I} {found|"
    "discovered|tried} {VitaNova Gold|Vita Nova Gold capsules|VitaNova Gold drops}. {After two "
    "weeks|Within a month|In just 10 days} {it was gone|he felt 20 years younger|everything "
    "changed}. {Doctors hate this|Your GP won't tell you this|Big pharma hides this}{, order it "
    "before it sells out|. Order from the official store|! Limited stock}{.|!|!!}",
}

# Ordinary news readers, for what must not change.
READERS = [
    "The council should publish the full budget before the vote, not after.",
    "I drive this road every day and the new junction has made the mornings much slower.",
    "Good reporting. Could you follow up on what the school board decided about buses?",
    "The figures in the third paragraph do not match the ones in the chart.",
    "My grandmother lived through that winter and remembers the queues for bread.",
    "Thanks for explaining the tax change so clearly, I finally get it.",
    "Interesting interview, but the minister did not answer the question about hospitals.",
    "The library closing on Sundays will hurt students the most.",
]


def spin(template: str, rng: random.Random) -> str:
    """Return one variant of a {a|b} template, choosing each alternative at random."""
    while match := _CHOICE.search(template):
        choice = rng.choice(match.group(1).split("|"))
        template = template[: match.start()] + choice + template[match.end() :]
    return template


def variants(campaign: str, n: int, seed: int) -> list[str]:
    """Return `n` variants of a campaign; some lowercased or with an opener, as bots vary."""
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        text = spin(CAMPAIGNS[campaign], rng)
        roll = rng.random()
        if roll < 0.2:
            text = text.lower()
        elif roll < 0.3:
            text = rng.choice(["Wow. ", "Honestly, ", "So true. ", "Agreed. "]) + text
        texts.append(text)
    return texts
