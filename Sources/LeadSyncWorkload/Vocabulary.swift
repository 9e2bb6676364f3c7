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
}
