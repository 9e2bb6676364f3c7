import LeadSyncPostgres
import LeadSyncSupport
import Testing

/// `--store` addresses: what parses, and errors that name the part that is wrong.
@Suite struct PostgresStoreAddressTests {
    @Test func aFullAddressParsesAndHidesItsPassword() throws {
        let address = try PostgresStoreAddress(parsing: "postgres://sync:p%40ss@db.internal:6543/leads?sslmode=disable")
        #expect(address.host == "db.internal" && address.port == 6543)
        #expect(address.user == "sync" && address.database == "leads")
        #expect(address.password == Secret("p@ss"))
        #expect("\(address)" == "postgres://sync:<redacted>@db.internal:6543/leads")
    }

    @Test func thePortDefaultsTo5432() throws {
        let address = try PostgresStoreAddress(parsing: "postgresql://sync@127.0.0.1/leads")
        #expect(address.port == 5432 && address.password == nil)
    }

    @Test(arguments: [
        ("leads.db", "must look like postgres://"),
        ("mysql://u@h/d", "must look like postgres://"),
        ("postgres://h/d", "has no user"),
        ("postgres://u@h", "must name one database"),
        ("postgres://u@h/a/b", "must name one database"),
        ("postgres://u@h:0/d", "port 0 is out of range"),
        ("postgres://u@h/d?sslmode=require", "sslmode=require is not supported"),
    ])
    func aBadAddressIsRefusedNamingWhatIsWrong(text: String, expected: String) {
        #expect {
            _ = try PostgresStoreAddress(parsing: text)
        } throws: { error in
            let error = error as? PostgresStoreError
            return error?.code == .invalidAddress && error?.message.contains(expected) == true
        }
    }
}
