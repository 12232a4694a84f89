"""The demo site's fictional articles and reader comments, loaded by seed.load_demo_content().

All people, places and quotes are invented, except the two heads of state in the World story.
Addresses use the documentation IP ranges (RFC 5737) and reserved example domains (RFC 2606).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from site_demo.articles.models import Section

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
SAFARI_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


@dataclass(frozen=True)
class DemoComment:
    author_name: str
    author_email: str
    content: str
    ip_address: str
    user_agent: str
    after: timedelta  # time between the article's publication and the comment
    author_url: str = ""
    reply_to: str = ""  # the author of the comment on the same article this one answers


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    title: str
    section: Section
    standfirst: str
    author_name: str
    age: timedelta  # how long before the first `demo` run the article was published
    body: str
    comments: tuple[DemoComment, ...]
    comments_enabled: bool = True


def _paragraphs(text: str) -> str:
    """Return `text` with each paragraph on one line and a blank line between paragraphs."""
    blocks = text.strip().split("\n\n")
    return "\n\n".join(" ".join(block.split()) for block in blocks)


LUKASHENKO = DemoArticle(
    slug="lukashenko-will-meet-with-putin-in-russia-on-monday",
    title="Lukashenko will meet with Putin in Russia on Monday",
    section=Section.WORLD,
    standfirst=(
        "The Belarusian leader's visit is expected to focus on energy prices, trade and the "
        "slow-moving integration programme between the two countries."
    ),
    author_name="Marta Kowalczyk",
    age=timedelta(hours=5),
    body=_paragraphs("""
        Belarusian President Alexander Lukashenko will travel to Russia on Monday for talks
        with President Vladimir Putin, the Kremlin announced on Friday, the latest in a long
        series of face-to-face meetings between the two leaders.

        According to the announcement, the talks will cover cooperation within the Union State
        of Russia and Belarus as well as regional and international questions. The Kremlin did
        not say where the meeting would take place; previous rounds have been held in Moscow,
        St Petersburg and the Black Sea resort of Sochi.

        Officials in Minsk said the agenda would include the price Belarus pays for Russian
        natural gas, which is renegotiated each year, and access for Belarusian manufacturers
        to Russian public procurement. Belarusian exporters of trucks, tractors and dairy
        products have long complained of being treated as foreign bidders.

        Russia is by far Belarus's largest trading partner and its main source of energy and
        credit. The two countries signed the treaty creating the Union State in 1999, but many
        of the joint institutions it foresaw, including a common currency, have never been set
        up.

        Regional analysts said they expected statements on economic cooperation rather than new
        agreements. Neither side said whether a joint press conference was planned.
    """),
    comments=(
        DemoComment(
            author_name="Oksana Melnyk",
            author_email="oksana.melnyk@example.com",
            content=(
                "These summits always promise deeper integration and then very little changes. "
                "I'll believe there is progress when the gas price agreement is actually "
                "published."
            ),
            ip_address="192.0.2.14",
            user_agent=FIREFOX,
            after=timedelta(minutes=40),
        ),
        DemoComment(
            author_name="Peter Lindqvist",
            author_email="peter@lindqvist.example.org",
            author_url="https://lindqvist.example.org/",
            content=(
                "Does anyone know whether the trade figures people quote for Belarus include "
                "re-exports? I've seen very different numbers depending on the source."
            ),
            ip_address="198.51.100.23",
            user_agent=SAFARI_MAC,
            after=timedelta(hours=1, minutes=15),
        ),
        DemoComment(
            author_name="Janet Moore",
            author_email="janet.moore@example.net",
            content=(
                "Clear, short summary. Thanks for explaining what the Union State treaty was "
                "instead of assuming everyone remembers 1999."
            ),
            ip_address="192.0.2.88",
            user_agent=CHROME,
            after=timedelta(hours=2),
        ),
        DemoComment(
            author_name="Rafael Delgado",
            author_email="r.delgado@example.com",
            content=(
                "I think the piece underplays the security side. Gas prices matter, but the "
                "military cooperation is what the neighbouring countries will be watching on "
                "Monday."
            ),
            ip_address="198.51.100.61",
            user_agent=ANDROID,
            after=timedelta(hours=3, minutes=5),
        ),
        DemoComment(
            author_name="Cheap Replica Watches",
            author_email="sales@replica-watches.example",
            author_url="http://replica-watches.example/",
            content=(
                "Great post! Check out cheap replica watches at http://replica-watches.example/ "
                "Rolex Omega Cartier best prices, free shipping worldwide!!! "
                "http://replica-watches.example/sale"
            ),
            ip_address="203.0.113.7",
            user_agent=CHROME,
            after=timedelta(hours=4),
        ),
    ),
)

BUDGET = DemoArticle(
    slug="harbourton-council-passes-412-million-budget",
    title="Harbourton council passes $412 million budget after eight-hour session",
    section=Section.CITY,
    standfirst=(
        "Property taxes will rise 2.9 percent and bus service is expanded, while a plan to close "
        "two branch libraries was dropped at the last minute."
    ),
    author_name="Daniel Okafor",
    age=timedelta(days=1, hours=3),
    body=_paragraphs("""
        Harbourton City Council approved a $412 million operating budget for the coming year
        shortly after 1 a.m. on Wednesday, ending a session that began with more than sixty
        residents signed up to speak.

        The budget, passed by seven votes to two, raises the property tax rate by 2.9 percent.
        For the owner of a median-priced home that means about $96 more a year, according to
        the city's finance department.

        Most of the public comment concerned a proposal to close the Eastside and Millford
        branch libraries to save $1.3 million. After two hours of testimony from parents,
        students and retirees, Councillor Rosa Bianchi moved to keep both branches open and pay
        for them by delaying the replacement of the council's own meeting-room technology. The
        amendment passed unanimously.

        "People told us clearly what they value," Bianchi said after the vote. "A new sound
        system can wait a year."

        The budget sets aside $38 million for road repairs and adds two bus routes, including
        a new Route 14 linking the Northgate estate with the hospital and the industrial park.
        The police budget grows by 3 percent, mainly to cover salaries agreed last year.

        Councillors Ed Morrow and Wendy Tran voted against. Morrow said the city should have
        frozen the tax rate and found savings in its vehicle fleet; Tran said the plan still
        relied too heavily on one-off transfers from reserves.
    """),
    comments=(
        DemoComment(
            author_name="Sandra Whitfield",
            author_email="sandra.whitfield@example.com",
            content=(
                "So glad the branch libraries were saved. Eastside is the only place near us "
                "where my kids can do homework with a decent internet connection."
            ),
            ip_address="192.0.2.31",
            user_agent=SAFARI_IPHONE,
            after=timedelta(hours=2),
        ),
        DemoComment(
            author_name="Mike Brennan",
            author_email="mbrennan@example.net",
            content=(
                "Another tax rise. 2.9% doesn't sound like much until you add the water rate "
                "increase from last spring. Where exactly is the council cutting anything?"
            ),
            ip_address="198.51.100.7",
            user_agent=CHROME,
            after=timedelta(hours=3, minutes=30),
        ),
        DemoComment(
            author_name="Luis Ortega",
            author_email="luis.ortega@example.org",
            author_url="https://luisortega.example.org/",
            content=(
                "Does the $38 million for roads include the Harbour Street resurfacing that was "
                "promised two years ago, or is that a separate project?"
            ),
            ip_address="192.0.2.102",
            user_agent=FIREFOX,
            after=timedelta(hours=5),
        ),
        DemoComment(
            author_name="Aisha Karim",
            author_email="aisha.k@example.com",
            content=(
                "The new Route 14 will save me about forty minutes a day getting to the "
                "hospital. Thank you to the councillors who pushed for it."
            ),
            ip_address="198.51.100.144",
            user_agent=ANDROID,
            after=timedelta(hours=9),
        ),
        DemoComment(
            author_name="Mike Brennan",
            author_email="mbrennan@example.net",
            content=(
                "Luis, it's separate: Harbour Street has its own capital budget line, which was "
                "pushed back again. It was in the finance committee papers last month."
            ),
            ip_address="198.51.100.7",
            user_agent=CHROME,
            after=timedelta(hours=10),
            reply_to="Luis Ortega",
        ),
        DemoComment(
            author_name="Best SEO Services",
            author_email="info@seo-rank-boost.example",
            author_url="http://seo-rank-boost.example/",
            content=(
                "Nice article, very informative. We offer best SEO services and cheap backlinks "
                "to rank your website #1 on Google!! Visit http://seo-rank-boost.example/ now "
                "for 50% OFF"
            ),
            ip_address="203.0.113.45",
            user_agent=CHROME,
            after=timedelta(hours=11),
        ),
    ),
)

SWALLOWS = DemoArticle(
    slug="birdwatchers-records-show-swallows-arriving-earlier",
    title=(
        "Volunteer birdwatchers' records show swallows arriving nine days earlier than in the 1990s"
    ),
    section=Section.SCIENCE,
    standfirst=(
        "Thirty years of notebooks kept by amateur observers give researchers a rare long view "
        "of how spring migration is shifting."
    ),
    author_name="Priya Raman",
    age=timedelta(days=2, hours=6),
    body=_paragraphs("""
        Barn swallows now reach the Northvale region on average nine days earlier in spring
        than they did in the mid-1990s, according to a study built almost entirely on records
        kept by volunteer birdwatchers.

        Ecologists at the University of Northvale digitised 41,000 handwritten and emailed
        sightings sent in by 230 observers to the regional bird club between 1994 and 2023.
        Each record gives the date on which an observer first saw a swallow that year.

        "These notebooks were sitting in boxes in a club member's garage," said Dr Helen
        Achterberg, who led the study. "Nobody had ever looked at them as one data set."

        The shift was strongest in years with warm Marches along the birds' route through
        western Europe, which suggests the swallows are responding to conditions on the way
        rather than leaving Africa earlier.

        The researchers accounted for the growing number of birdwatchers, since more observers
        tend to produce earlier first sightings, by comparing only observers who reported in at
        least ten different years. The trend remained after that correction, though it was
        smaller, at about seven days.

        The team now wants to know whether the insects that swallows feed on are emerging
        earlier at the same rate. If they are not, Achterberg said, early arrivals could find
        little to eat during cold snaps.
    """),
    comments=(
        DemoComment(
            author_name="Frank Dunmore",
            author_email="frank.dunmore@example.net",
            content=(
                "I've kept a garden notebook since 1987 and my first swallow date has moved "
                "from the last week of April to the middle of the month. Nice to see these "
                "amateur records put to good use."
            ),
            ip_address="192.0.2.57",
            user_agent=FIREFOX,
            after=timedelta(hours=4),
        ),
        DemoComment(
            author_name="Claire Benson",
            author_email="claire@benson.example.net",
            author_url="https://benson.example.net/field-notes/",
            content=(
                "How did they deal with there simply being far more birdwatchers now than in "
                "the 1990s? More eyes would mean earlier first sightings even if the birds "
                "hadn't changed at all.\n\n"
                "Edit: I see the article covers this in the fifth paragraph. Seven days is "
                "still a lot."
            ),
            ip_address="198.51.100.92",
            user_agent=SAFARI_MAC,
            after=timedelta(hours=6),
        ),
        DemoComment(
            author_name="Dev Patel",
            author_email="dev.patel@example.com",
            content=(
                "Earlier arrival isn't necessarily a problem in itself. The real question, as "
                "the last paragraph says, is whether the insects are keeping pace."
            ),
            ip_address="192.0.2.140",
            user_agent=CHROME,
            after=timedelta(hours=8),
        ),
        DemoComment(
            author_name="Gordon Reilly",
            author_email="greilly@example.org",
            content=(
                "Thirty years is a short window for this kind of claim, and volunteer notebooks "
                "are not a scientific instrument. I'd want to see the same result from ringing "
                "stations before drawing conclusions."
            ),
            ip_address="198.51.100.12",
            user_agent=ANDROID,
            after=timedelta(days=1, hours=1),
        ),
    ),
)

VOLTLINE = DemoArticle(
    slug="voltline-electric-bus-factory-carver-mill",
    title="Electric bus maker Voltline to build factory at former Carver mill, creating 300 jobs",
    section=Section.BUSINESS,
    standfirst=(
        "The company will receive $24 million in tax relief over ten years and says production "
        "could start within eighteen months."
    ),
    author_name="Tom Hendricks",
    age=timedelta(days=3, hours=2),
    body=_paragraphs("""
        Voltline, a maker of electric buses, said on Monday that it would convert the former
        Carver textile mill on the river into its second assembly plant, creating about 300
        jobs over three years.

        The company, which already supplies the city's Route 9 buses from its plant in the
        south of the state, said it had outgrown its existing site as orders from transit
        agencies doubled in two years.

        Under an agreement approved by the county's economic development board, Voltline will
        receive $24 million in property tax relief over ten years. The relief is reduced if the
        company employs fewer than 250 people at the site by the end of the third year.

        Chief executive Maria Santos said the mill's high ceilings and rail siding made it
        well suited to bus assembly. "The building was made for heavy manufacturing, and it is
        going back to that," she said.

        The mill closed in 2009, ending more than a century of textile production, and has been
        mostly empty since. Voltline plans to keep the brick facade and the clock tower.

        Production workers will be trained in a programme run with Harbourton Community
        College. The company said it would begin hiring in the spring.
    """),
    comments=(
        DemoComment(
            author_name="Karen Holt",
            author_email="karen.holt@example.com",
            content=(
                "My grandfather worked at the Carver mill for 31 years. Really good to see the "
                "building used for making things again, and that they're keeping the clock "
                "tower."
            ),
            ip_address="192.0.2.9",
            user_agent=SAFARI_IPHONE,
            after=timedelta(hours=1),
        ),
        DemoComment(
            author_name="Steve Marsh",
            author_email="steve.marsh@example.net",
            content=(
                "$24 million of tax relief for 300 jobs is $80,000 per job. Good that there is "
                "a clawback below 250 people, but I'd like the county to publish the numbers "
                "every year so we can check."
            ),
            ip_address="198.51.100.33",
            user_agent=FIREFOX,
            after=timedelta(hours=3),
        ),
        DemoComment(
            author_name="Nadia Ferreira",
            author_email="nadia.ferreira@example.org",
            content=(
                "Will the jobs be advertised locally first? The article mentions the training "
                "programme with the community college but not how people can apply."
            ),
            ip_address="192.0.2.77",
            user_agent=CHROME,
            after=timedelta(hours=7),
        ),
        DemoComment(
            author_name="Ben Cartwright",
            author_email="ben@cartwright.example.com",
            author_url="https://cartwright.example.com/",
            content=(
                "Great news for the city. The electric buses on Route 9 are much quieter too, "
                "which anyone living on Main Street will appreciate."
            ),
            ip_address="198.51.100.201",
            user_agent=SAFARI_MAC,
            after=timedelta(hours=10),
        ),
        DemoComment(
            author_name="Forex Trading Signals",
            author_email="vip@forex-signals-vip.example",
            author_url="http://forex-signals-vip.example/join",
            content=(
                "very good article thanks for share. I made $5000 in ONE WEEK with these forex "
                "signals, join FREE today at http://forex-signals-vip.example/join limited spots!!!"
            ),
            ip_address="203.0.113.99",
            user_agent=CHROME,
            after=timedelta(hours=13),
        ),
    ),
)

LIBRARY = DemoArticle(
    slug="late-night-library-pilot-draws-11000-visitors",
    title="Late-night library pilot draws 11,000 visitors in its first three months",
    section=Section.CULTURE,
    standfirst=(
        "Harbourton Central Library has stayed open until midnight on Thursdays and Fridays "
        "since the autumn. Staff say students and shift workers have made it their own."
    ),
    author_name="Grace Liu",
    age=timedelta(days=4, hours=4),
    body=_paragraphs("""
        More than 11,000 people have visited Harbourton Central Library after 8 p.m. since it
        began opening until midnight on Thursdays and Fridays in September, according to
        figures presented to the library board on Tuesday.

        The busiest hours were between 9 and 11 p.m., when the study rooms on the second floor
        were regularly full. A survey of 600 late visitors found that a third were students and
        a quarter worked evening or night shifts.

        "We have nurses coming in after a late shift to pick up books for their children," said
        branch manager Colin Fraser. "For some people these are the only hours a library is any
        use to them."

        The six-month pilot is funded by a grant from a local charitable foundation, which pays
        for two extra staff and a security guard on late evenings. The board will decide in the
        spring whether to continue the late opening from the city's own budget.
    """),
    comments=(
        DemoComment(
            author_name="Tomás Álvarez",
            author_email="tomas.alvarez@example.com",
            content=(
                "As a nurse on rotating shifts, being able to return books at 11pm is a small "
                "miracle. Please make it permanent!"
            ),
            ip_address="192.0.2.66",
            user_agent=ANDROID,
            after=timedelta(hours=5),
        ),
        DemoComment(
            author_name="Linda Park",
            author_email="linda.park@example.net",
            content=(
                "I support the library, but what would it cost the city once the grant runs "
                "out? The article doesn't give a figure."
            ),
            ip_address="198.51.100.118",
            user_agent=FIREFOX,
            after=timedelta(hours=9),
        ),
        DemoComment(
            author_name="Jess O'Neill",
            author_email="jess@oneill.example.org",
            author_url="https://oneill.example.org/blog/",
            content=(
                "Went last Thursday and it was packed with students revising. Lovely quiet "
                "atmosphere, and the staff were really friendly."
            ),
            ip_address="192.0.2.201",
            user_agent=SAFARI_IPHONE,
            after=timedelta(days=1, hours=2),
        ),
    ),
)

# Older than the month after which comments close on the demo's articles (apps.py): its page
# shows its comments and, instead of the form, why there is none.
FERRY = DemoArticle(
    slug="harbour-ferry-returns-after-refit",
    title="Harbour ferry returns to service after a three-month refit",
    section=Section.CITY,
    standfirst=(
        "The Mary Doyle is back on the crossing to Gull Island with a new engine, a ramp for "
        "wheelchairs and bicycles, and a timetable with two extra sailings on weekdays."
    ),
    author_name="Daniel Okafor",
    age=timedelta(days=45),
    body=_paragraphs("""
        The Harbourton to Gull Island ferry resumed its crossings on Saturday morning after a
        refit that kept the sixty-year-old Mary Doyle out of the water since the spring.

        The city's transport department said the new engine would cut fuel use by about a
        fifth. The boat also has a ramp at the bow, so wheelchairs, prams and bicycles no
        longer have to be lifted aboard.

        From Monday there are two extra sailings on weekdays, at 7.15 a.m. and 6.30 p.m., which
        island residents had asked for so they can commute to work on the mainland.
    """),
    comments=(
        DemoComment(
            author_name="Maggie Doyle",
            author_email="maggie.doyle@example.com",
            content=(
                "My grandfather skippered the Mary Doyle in the seventies. Lovely to see her "
                "back on the water and looking so smart."
            ),
            ip_address="192.0.2.77",
            user_agent=SAFARI_IPHONE,
            after=timedelta(hours=3),
        ),
        DemoComment(
            author_name="Peter Wallis",
            author_email="p.wallis@example.org",
            content=(
                "The 7.15 sailing makes all the difference for those of us on the island who "
                "work in town. Thank you to everyone who campaigned for it."
            ),
            ip_address="198.51.100.52",
            user_agent=FIREFOX,
            after=timedelta(hours=6),
        ),
        DemoComment(
            author_name="Rosa Lind",
            author_email="rosa.lind@example.net",
            content=(
                "Peter, does the early boat take bicycles too? The old one only had room for "
                "two or three."
            ),
            ip_address="192.0.2.140",
            user_agent=ANDROID,
            after=timedelta(hours=8),
            reply_to="Peter Wallis",
        ),
        DemoComment(
            author_name="Peter Wallis",
            author_email="p.wallis@example.org",
            content=(
                "It does, Rosa: there's a rack for ten bikes on the new deck, and I've not "
                "seen it full yet."
            ),
            ip_address="198.51.100.52",
            user_agent=FIREFOX,
            after=timedelta(hours=9),
            reply_to="Rosa Lind",
        ),
    ),
)

ARTICLES: tuple[DemoArticle, ...] = (LUKASHENKO, BUDGET, SWALLOWS, VOLTLINE, LIBRARY, FERRY)
