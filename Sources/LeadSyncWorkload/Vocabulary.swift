/// Word lists for realistic-looking leads. Small on purpose: variety comes from combining them.
enum Vocabulary {
    static let firstNames = [
        "Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Edsger", "Radia",
        "Donald", "Katherine", "Tim", "Hedy", "John", "Sophie", "Niklaus", "Anita", "Guido", "Mary", "Bjarne",
        "Shafi", "Yukihiro", "Adele", "Chris", "Lynn", "Leslie", "Ines", "Ömer", "José", "Zoë",
    ]
    static let lastNames = [
        "Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Allen",
        "Dijkstra", "Perlman", "Knuth", "Johnson", "Berners-Lee", "Lamarr", "McCarthy", "Wilson", "Wirth", "Borg",
        "van Rossum", "Kenyon", "Stroustrup", "Goldwasser", "Matsumoto", "Goldberg", "Lattner", "Conway",
        "Lamport", "Núñez", "O'Neil",
    ]
    static let companyStems = [
        "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Cyberdyne",
        "Soylent", "Aperture", "Black Mesa", "Wonka", "Gringotts", "Pied Piper", "Nakatomi", "Oscorp",
    ]
    static let companySuffixes = ["Inc.", "GmbH", "Ltd", "LLC", "S.A.", "Group", "Labs", "& Co."]
    static let jobTitles = [
        "CTO", "VP Engineering", "Head of Sales", "Marketing Manager", "Procurement Lead", "Founder",
        "Operations Director", "IT Administrator", "Data Scientist", "Product Manager",
    ]
    static let summaryPhrases = [
        "Asked about pricing for 50 seats.", "Wants a demo next week.", "Evaluating against a competitor.",
        "Budget approved for Q1.", "Needs SSO and audit logs.", "Concerned about data residency in the EU.",
        "Follow up after the trade show.", "Requested a callback, prefers mornings.",
        "Interested in the \"enterprise\" plan, mentioned a 3-year term.", "Not the decision maker; CC their manager.",
    ]
    /// What visitors write: markup characters, quotes, line breaks and non-ASCII on purpose.
    static let visitorMessages = [
        "Hi, what does Pro cost for 40 seats?", "Is the <enterprise> tier & SSO included?",
        "Our CFO said \"no more than $50k\" — can we talk?", "Do you integrate with HubSpot's 'deals' pipeline?",
        "Bonjour, avez-vous une offre pour les équipes de 12 personnes ?",
        "Können Sie mir ein Angebot schicken? Grüße aus Köln", "日本のチームでも使えますか？", "Thanks! 🙏 Talk soon.",
        "Two questions:\n1. data residency\n2. invoicing in EUR", "Can I get a trial for 30 days?",
        "We're comparing you with two other vendors; 5 < 7 seats matters.",
        "Who should I talk to about a reseller deal?",
    ]
    /// What agents answer.
    static let agentMessages = [
        "Pro is $40 a seat a month.", "Yes, SSO & audit logs come with Enterprise (<b>not</b> Pro).",
        "I've booked a demo for Tuesday 10:00 CET.", "Let me check with our solutions team and get back to you.",
        "Here's the link: https://example.com/pricing?plan=pro&seats=40",
        "Merci ! Je vous envoie le devis aujourd'hui.", "A 30-day trial is fine — I've enabled it.",
        "EU data stays in Frankfurt; invoices can be in EUR.", "I'll loop in our partner manager, Ana.",
    ]
}
