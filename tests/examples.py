"""Hand-written comments for the tiny real model the tests train (no corpus rows in here)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from moderation.classifier.artifacts import save_model
from moderation.classifier.pipeline import build_pipeline
from moderation.features import CommentData

SPAM = [
    "Buy cheap viagra online at http://cheap-pills.example.com best prices no prescription",
    "Great post! Visit my site http://replica-watches.example.net for cheap replica watches",
    "Earn $5000 a week working from home, click here http://easy-money.example.biz",
    "Check out my channel and subscribe!!! http://youtube.example.com/channel/xyz",
    "Best online casino bonus 200% free spins http://casino-bonus.example.org",
    "Cheap essay writing service, order now at http://essays.example.com discount code",
    "Hot singles in your area tonight http://dating.example.xyz click now",
    "Make money fast with bitcoin investment http://crypto-profit.example.io guaranteed returns",
    "Lose 20 pounds in 2 weeks with this one weird trick http://diet.example.com",
    "Cheap loans with no credit check, apply today http://payday.example.com",
    "Nice article, thanks for sharing. Visit http://seo-backlinks.example.com for SEO services",
    "Buy followers and likes cheap http://followers.example.shop instant delivery",
    "Win a free iPhone now!!! Click http://free-iphone.example.win to claim your prize",
    "Discount designer handbags outlet sale http://bags-outlet.example.com free shipping",
    "Call QuickBooks support phone number +1-800-555-0199 for instant help 24/7",
    "Cheap flights booking call now +1 888 555 0142 airline reservations toll free",
    "I made $300 a day with this online job, see http://job.example.com/apply now",
    "Pharmacy online cheap cialis tadalafil http://rx.example.com no prescription needed",
    "Free gift cards generator http://giftcards.example.com working 2026",
    "Professional carpet cleaning company best price call 555-0175 visit http://clean.example.com",
    "Watch movies free online HD http://movies.example.stream no registration",
    "CLICK HERE for cheap Ray-Ban sunglasses http://rayban.example.com 90% OFF",
    "Get rich with forex trading signals http://forex.example.com join today",
    "Buy cheap viagra cialis levitra http://meds.example.com fast delivery",
]

HAM = [
    "I think the council should publish the full budget before the vote, not after.",
    "Interesting article. Does anyone know when the meeting was last held in Minsk?",
    "The reporter missed the point about sanctions; trade has already shifted east.",
    "My grandmother lived through that era and she would disagree with this analysis.",
    "Thanks for the clear explanation of the new rules. It helps a lot.",
    "I disagree with the mayor, but the article presents both sides fairly.",
    "What a ridiculous decision. The bridge has needed repairs for ten years.",
    "Can you share the source for the figure in the third paragraph?",
    "This is the best summary of the negotiations I have read so far.",
    "The teachers deserve better pay, and the parents in our district agree.",
    "Honestly the comments here are more informative than the press release.",
    "I was at the protest yesterday and it was peaceful, unlike what was reported.",
    "Good reporting. I hope the paper follows up when the results come in.",
    "The scientists should have tested the vaccine on a larger group first.",
    "Prices at the market have doubled since last spring, so this is no surprise.",
    "Nobody in my town was asked about the new highway. That is the real story.",
    "Great to see local journalism covering the hospital closure properly.",
    "The opposition leader said the same thing five years ago and nothing changed.",
    "I read the full report and the conclusions are more cautious than the headline.",
    "Why is the election commission silent about the missing ballots?",
    "Well written, though I would have liked more on the economic impact.",
    "My son plays in that league and the new coach has made a real difference.",
    "The weather service warned about the flooding days in advance.",
    "Both presidents will say the talks were productive, as they always do.",
]


def train_tiny_model(directory: Path, version: str, *, flipped: bool = False) -> Path:
    """Train a real pipeline on the hand-written examples (labels swapped if `flipped`)."""
    comments = [CommentData(content=text) for text in SPAM + HAM]
    labels = np.array([1] * len(SPAM) + [0] * len(HAM))
    pipeline = build_pipeline()
    pipeline.fit(comments, 1 - labels if flipped else labels)
    save_model(pipeline, directory, {"version": version})
    return directory
