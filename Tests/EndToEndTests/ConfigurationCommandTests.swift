import Foundation
import LeadSyncJournal
import LeadSyncTestKit
import Testing

@Suite struct ConfigurationCommandTests {
    @Test func mapListShowsTheDefaultMappings() throws {
        let cli = try LeadsyncCLI()
        let (result, document) = try cli.json("map", "list")
        #expect(result.status == 0)
        let mappings = try #require(document as? [[String: String]])
        #expect(mappings.count == 7)
        #expect(mappings.contains(["field": "job_title", "property": "jobtitle", "write": "overwrite"]))
        #expect(mappings.allSatisfy { $0["write"] == "overwrite" })
    }

    @Test func mapSetReplacesAMappingToTheSamePropertyAndNamesIt() throws {
        let cli = try LeadsyncCLI()
        #expect(try cli.run("map", "set", "budget", "budget_amount", "--write", "if-empty").status == 0)
        let replaced = try cli.run("map", "set", "mobile", "phone")
        #expect(replaced.status == 0)
        #expect(replaced.stderr.contains("phone"))
        let mappings = try #require(try cli.json("map", "list").1 as? [[String: String]])
        #expect(mappings.contains(["field": "budget", "property": "budget_amount", "write": "if-empty"]))
        #expect(mappings.contains(["field": "mobile", "property": "phone", "write": "overwrite"]))
        #expect(!mappings.contains { $0["field"] == "phone" })
    }

    @Test func aNewMappingMakesCurrentValuesPendingAndRemovingItMakesThemLocal() throws {
        let cli = try LeadsyncCLI()
        _ = try cli.run("ingest", stdin: #"{"lead":"L-1","fields":{"email":"a@b.io","budget":5000}}"#)
        #expect(try cli.run("map", "set", "budget", "budget").status == 0)
        var lead = try #require(try cli.json("lead", "show", "L-1").1 as? [String: Any])
        var delivery = try #require(lead["delivery"] as? [String: [String: Any]])
        #expect(delivery["budget"]?["state"] as? String == "pending")
        #expect(try cli.run("map", "remove", "budget").status == 0)
        lead = try #require(try cli.json("lead", "show", "L-1").1 as? [String: Any])
        delivery = try #require(lead["delivery"] as? [String: [String: Any]])
        #expect(delivery["budget"]?["state"] as? String == "unmapped")
    }

    @Test func removingTheEmailMappingIsBadUsageAndUnknownFieldsFail() throws {
        let cli = try LeadsyncCLI()
        let email = try cli.run("map", "remove", "email")
        #expect(email.status == 2)
        #expect(email.stderr.contains("email"))
        #expect(try cli.run("map", "remove", "no_such_field").status == 1)
        #expect(try cli.run("map", "set", "x", "y", "--write", "sometimes").status == 2)
        #expect(try cli.run("map", "set", "only_field").status == 2)
    }

    @Test func rulesDefaultOnAndCreateNeedsUpdate() throws {
        let cli = try LeadsyncCLI()
        #expect(try cli.json("rules").1 as? [String: Bool] == ["update": true, "create": true])
        let off = try cli.run("rules", "--update", "off")
        #expect(off.status == 0)
        #expect(off.stderr.contains("create"))
        #expect(try cli.json("rules").1 as? [String: Bool] == ["update": false, "create": false])
        let refused = try cli.run("rules", "--create", "on")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("update"))
        #expect(try cli.run("rules", "--update", "off", "--create", "on").status == 2)
        #expect(
            try cli.json("rules", "--update", "on", "--create", "on").1 as? [String: Bool] == [
                "update": true, "create": true,
            ])
        #expect(try cli.run("rules", "--update", "maybe").status == 2)
    }

    @Test func configShowResolvesOptionsAndNeverShowsTheToken() throws {
        let cli = try LeadsyncCLI()
        let (result, document) = try cli.json(
            "config", "show", "--hubspot-url", "http://127.0.0.1:9", environment: ["LEADSYNC_TOKEN": "pat-secret-value"]
        )
        #expect(result.status == 0)
        #expect(!result.stdoutText.contains("pat-secret-value") && !result.stderr.contains("pat-secret-value"))
        let config = try #require(document as? [String: Any])
        #expect(config["hubspot_url"] as? String == "http://127.0.0.1:9")
        #expect(config["hubspot_auth_url"] as? String == "http://127.0.0.1:9/oauth/authorize")
        #expect(config["token_env"] as? String == "<redacted>")
        #expect(config["db"] as? String == cli.db)
    }
}

@Suite struct GlobalOptionsTests {
    @Test func globalOptionsWorkBeforeAndAfterTheCommand() throws {
        let cli = try LeadsyncCLI()
        let other = cli.directory.path("other.db")
        #expect(try cli.run("--db", other, "init").status == 0)
        #expect(try cli.run("init", "--db", other).status == 0)
        #expect(try cli.run("--db=\(other)", "map", "list").status == 0)
        #expect(FileManager.default.fileExists(atPath: other))
        #expect(!FileManager.default.fileExists(atPath: cli.db))
    }

    /// Every global option that takes a value is moved after the command when given before it
    /// (`--rate-share` was not: `leadsync --rate-share 0.5 status` exited 2).
    @Test func everyValueOptionWorksBeforeTheCommand() throws {
        let cli = try LeadsyncCLI()
        let result = try cli.run(
            "--rate-share", "0.5", "--rate-limit", "50/10s", "--daily-limit", "1000", "--log-level", "debug",
            "--hubspot-url", "http://127.0.0.1:9", "config", "show", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let config = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect(config["rate_share"] as? Double == 0.5)
        #expect(config["rate_limit"] as? String == "50/10s")
        #expect(config["daily_limit"] as? Int == 1000)
        #expect(config["log_level"] as? String == "debug")
        #expect(config["hubspot_url"] as? String == "http://127.0.0.1:9")
        #expect(try cli.run("--rate-share", "0.5", "status").status == 0)
    }

    @Test func flagsBeatEnvironmentWhichBeatsTheConfigFile() async throws {
        let cli = try LeadsyncCLI()
        let config = cli.directory.path("config.json")
        try Data(#"{"hubspot_url": "http://from-config", "log_level": "debug"}"#.utf8).write(
            to: URL(fileURLWithPath: config))
        func url(_ arguments: [String], _ environment: [String: String]) throws -> String? {
            let result = try cli.run(["config", "show", "--json"] + arguments, environment: environment)
            return (try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])?["hubspot_url"] as? String
        }
        #expect(try url(["--config", config], [:]) == "http://from-config")
        #expect(try url([], ["LEADSYNC_CONFIG": config]) == "http://from-config")
        #expect(try url(["--config", config], ["LEADSYNC_HUBSPOT_URL": "http://from-env"]) == "http://from-env")
        #expect(
            try url(
                ["--config", config, "--hubspot-url", "http://from-flag"], ["LEADSYNC_HUBSPOT_URL": "http://from-env"])
                == "http://from-flag")
        try await Journal(path: cli.db).configuration.setSetting(.apiURL, "http://from-journal")
        #expect(try url([], [:]) == "http://from-journal")
        #expect(try url(["--config", config], [:]) == "http://from-config")
    }

    @Test(arguments: [
        (["--log-level", "loud", "status"], [String: String]()),
        (["status"], ["LEADSYNC_LOG_LEVEL": "loud"]),
        (["--rate-limit", "lots", "status"], [:]),
        (["--daily-limit", "-3", "status"], [:]),
        (["status", "--no-such-flag"], [:]),
        (["no-such-command"], [:]),
        (["status", "--config", "/nonexistent/config.json"], [:]),
    ])
    func badUsageAndBadConfigurationExitTwo(_ arguments: [String], _ environment: [String: String]) throws {
        let cli = try LeadsyncCLI()
        let result = try cli.run(arguments, environment: environment)
        #expect(result.status == 2, "\(arguments) \(environment): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func theDefaultJournalLivesUnderXDGDataHome() throws {
        let cli = try LeadsyncCLI()
        let home = cli.directory.path("xdg")
        let result = try cli.run("init", environment: ["LEADSYNC_DB": "", "XDG_DATA_HOME": home])
        #expect(result.status == 0)
        #expect(FileManager.default.fileExists(atPath: home + "/leadsync/leadsync.db"))
    }
}
