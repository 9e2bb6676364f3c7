import Foundation
import HubSpotSimulator
import LeadSyncTestKit
import Testing

/// Reliability suite, item 6: a full disk and a read-only one.
///
/// The journal lives on a 1 MiB tmpfs mounted for the test (CI runs as root; the mount is
/// private to a mount namespace of its own, `unshare -m`, so nothing outside sees it and nothing
/// outlives the test). `ingest` of more than fits must fail with a clear error within a second of
/// its last commit, keep every committed batch, leave the journal intact, and work again once the
/// space returns; while the disk is full, `status`, `lead show` and `journal check` answer. On the
/// same mount made read-only, `ingest` and `sync` must fail at once naming the read-only file
/// system (`sync` before it sends anything), lose nothing, and every read — `status`, `lead show`,
/// `journal check`, `journal backup` — must work.
@Suite(.hangGuard) struct DiskFaultTests {
    /// Runs `script` with `sh` in a private mount namespace where `$DIR` is a fresh 1 MiB tmpfs
    /// and `$L` is the leadsync executable; returns what it printed.
    private func inTmpfs(_ script: String, environment extra: [String: String] = [:]) throws -> ProcessResult {
        let directory = try TemporaryDirectory(prefix: "leadsync-disk")
        let leadsync = try BuiltExecutable.named("leadsync")
        let unshare = BuiltExecutable(url: URL(fileURLWithPath: "/usr/bin/unshare"))
        return try unshare.run(
            ["-m", "/bin/sh", "-c", "set -u; mount -t tmpfs -o size=1m tmpfs \"$DIR\" || exit 99\n" + script],
            environment: [
                "DIR": directory.url.path, "L": leadsync.url.path, "LEADSYNC_DB": directory.path("leads.db"),
                "LEADSYNC_TOKEN": "", "LEADSYNC_SYNCHRONOUS": "full",
            ].merging(extra) { $1 })
    }

    /// `KEY=VALUE` lines the script printed on stdout.
    private func values(_ result: ProcessResult) -> [String: String] {
        Dictionary(
            result.stdoutText.split(separator: "\n").compactMap { line in
                line.firstIndex(of: "=").map { (String(line[..<$0]), String(line[line.index(after: $0)...])) }
            }, uniquingKeysWith: { $1 })
    }

    @Test func aFullDiskFailsClearlyLosesNothingAndRecovers() throws {
        let result = try inTmpfs(
            #"""
            "$L" init >/dev/null 2>&1 || exit 98
            i=0; while [ $i -lt 20000 ]; do i=$((i+1)); echo "{\"lead\":\"D-$i\",\"fields\":{\"email\":\"d$i@example.com\",\"note\":\"$i padding padding padding padding\"}}"; done > /tmp/leadsync-disk-input-$$
            "$L" ingest /tmp/leadsync-disk-input-$$ --batch-size 200 --print-commits 2> "$DIR/../ingest.err.$$" &
            pid=$!
            wait $pid; echo "ingest_status=$?"
            echo "committed=$(grep -c committed "$DIR/../ingest.err.$$")"
            echo "last_committed=$(grep committed "$DIR/../ingest.err.$$" | tail -1 | awk '{print $NF}')"
            echo "error=$(grep -v committed "$DIR/../ingest.err.$$" | tr '\n' ' ')"
            "$L" status --json >/dev/null 2>"$DIR/../full.err.$$"; echo "full_status=$?"
            "$L" lead show D-1 --json >/dev/null 2>>"$DIR/../full.err.$$"; echo "full_lead_status=$?"
            "$L" journal check >/dev/null 2>>"$DIR/../full.err.$$"; echo "full_check_status=$?"
            echo "full_error=$(tr '\n' ' ' < "$DIR/../full.err.$$")"; rm -f "$DIR/../full.err.$$"
            mount -o remount,size=64m "$DIR"
            "$L" journal check >/dev/null 2>&1; echo "check_status=$?"
            echo "entries=$("$L" status --json | sed 's/.*"journal_entries":\([0-9]*\).*/\1/')"
            "$L" ingest /tmp/leadsync-disk-input-$$ >/dev/null 2>&1; echo "again_status=$?"
            "$L" journal check >/dev/null 2>&1; echo "check_again_status=$?"
            echo "entries_again=$("$L" status --json | sed 's/.*"journal_entries":\([0-9]*\).*/\1/')"
            rm -f /tmp/leadsync-disk-input-$$ "$DIR/../ingest.err.$$"
            """#)
        try #require(result.status == 0, "the tmpfs could not be mounted: \(result.stderr)")
        let seen = values(result)
        #expect(seen["ingest_status"] != "0", "ingest of 20,000 lines on 1 MiB succeeded: \(seen)")
        let error = seen["error"]?.lowercased() ?? ""
        #expect(error.contains("full") || error.contains("space"), "no clear error: \(seen["error"] ?? "")")
        let committed = Int(seen["last_committed"] ?? "") ?? 0
        let entries = Int(seen["entries"] ?? "") ?? -1
        // Reads need no space: on the full disk they answer (from the file alone when SQLite cannot
        // create its shared-memory index there).
        #expect(seen["full_status"] == "0", "status failed on the full disk: \(seen["full_error"] ?? "")")
        // D-1 is there, or not folded yet (the fold needs space): then lead show says so.
        #expect(
            seen["full_lead_status"] == "0" || seen["full_error"]?.contains("not folded yet") == true,
            "lead show failed on the full disk: \(seen["full_error"] ?? "")")
        #expect(seen["full_check_status"] == "0", "journal check failed on the full disk: \(seen["full_error"] ?? "")")
        #expect(seen["check_status"] == "0", "journal check failed after the disk filled: \(seen)")
        #expect(entries >= committed, "acknowledged lines lost: \(committed) committed, \(entries) in the journal")
        #expect(entries % 200 == 0, "a batch was half applied: \(entries)")
        #expect(seen["again_status"] == "0", "ingest failed once space returned: \(seen)")
        #expect(seen["check_again_status"] == "0")
        #expect(Int(seen["entries_again"] ?? "") == entries + 20_000)
        print("disk full: \(committed) lines acknowledged before the disk filled, \(entries) in the journal after")
    }

    @Test func aReadOnlyDiskFailsWritesAtOnceServesReadsAndLosesNothing() throws {
        let hubSpotThatCountsRequests = try HubSpotSimulator.started(token: "pat-ro") { $0.rateLimit = nil }.simulator
        defer { hubSpotThatCountsRequests.stop() }
        let result = try inTmpfs(
            #"""
            "$L" init >/dev/null 2>&1 || exit 98
            echo '{"lead":"R-1","fields":{"email":"r1@example.com"}}' | "$L" ingest >/dev/null 2>&1 || exit 97
            mount -o remount,ro "$DIR"
            start=$(date +%s%N)
            "$L" --version >/dev/null
            echo "launch_milliseconds=$(( ($(date +%s%N) - start) / 1000000 ))"
            start=$(date +%s%N)
            echo '{"lead":"R-2","fields":{"email":"r2@example.com"}}' | "$L" ingest 2> "$DIR/../ro.err.$$" >/dev/null
            echo "ingest_status=$?"
            echo "milliseconds=$(( ($(date +%s%N) - start) / 1000000 ))"
            echo "error=$(tr '\n' ' ' < "$DIR/../ro.err.$$")"
            start=$(date +%s%N)
            LEADSYNC_TOKEN=pat-ro LEADSYNC_HUBSPOT_URL="$HUBSPOT" "$L" sync --once 2> "$DIR/../ro.err.$$" >/dev/null
            echo "sync_status=$?"
            echo "sync_milliseconds=$(( ($(date +%s%N) - start) / 1000000 ))"
            echo "sync_error=$(tr '\n' ' ' < "$DIR/../ro.err.$$")"
            echo "pending=$("$L" status --json 2>/dev/null | sed 's/.*"pending_leads":\([0-9]*\).*/\1/')"
            "$L" status --json >/dev/null 2> "$DIR/../ro.err.$$"; echo "status_status=$?"
            "$L" lead show R-1 --json >/dev/null 2>> "$DIR/../ro.err.$$"; echo "lead_status=$?"
            "$L" journal check >/dev/null 2>> "$DIR/../ro.err.$$"; echo "ro_check_status=$?"
            "$L" journal backup "$DIR/../ro-backup.$$.db" 2>> "$DIR/../ro.err.$$"; echo "backup_status=$?"
            echo "backup_lead=$(LEADSYNC_DB="$DIR/../ro-backup.$$.db" "$L" lead show R-1 --json 2>/dev/null | grep -c r1@example.com)"
            echo "read_errors=$(tr '\n' ' ' < "$DIR/../ro.err.$$")"
            rm -f "$DIR/../ro.err.$$" "$DIR/../ro-backup.$$.db"*
            mount -o remount,rw "$DIR"
            "$L" journal check >/dev/null 2>&1; echo "check_status=$?"
            echo "entries=$("$L" status --json | sed 's/.*"journal_entries":\([0-9]*\).*/\1/')"
            """#, environment: ["HUBSPOT": hubSpotThatCountsRequests.baseURL])
        try #require(result.status == 0, "the tmpfs could not be mounted: \(result.stderr)")
        let seen = values(result)
        #expect(seen["ingest_status"] != "0", "ingest on a read-only disk succeeded: \(seen)")
        // Within a second of starting work: a process start of its own (a debug build on a loaded
        // machine takes a good part of a second to load) is measured beside it and not counted.
        let launch = Int(seen["launch_milliseconds"] ?? "") ?? 0
        func milliseconds(_ key: String) -> Int { (Int(seen[key] ?? "") ?? .max) - launch }
        #expect(milliseconds("milliseconds") < 1_000, "took \(seen["milliseconds"] ?? "?") ms, launch \(launch) ms")
        #expect(seen["error"]?.contains("read-only file system") == true, "\(seen)")
        // sync finds out at start, before it sends anything it could not record.
        #expect(seen["sync_status"] == "1", "\(seen)")
        #expect(seen["sync_error"]?.contains("read-only file system") == true, "\(seen)")
        #expect(
            milliseconds("sync_milliseconds") < 1_000,
            "took \(seen["sync_milliseconds"] ?? "?") ms, launch \(launch) ms")
        #expect(hubSpotThatCountsRequests.counters().totalRequests == 0, "sync sent requests it could not record")
        #expect(seen["pending"] == "1", "\(seen)")
        // Reads only read.
        #expect(seen["status_status"] == "0", "status failed on a read-only journal: \(seen["read_errors"] ?? "")")
        #expect(seen["lead_status"] == "0", "lead show failed: \(seen["read_errors"] ?? "")")
        #expect(seen["ro_check_status"] == "0", "journal check failed: \(seen["read_errors"] ?? "")")
        #expect(seen["backup_status"] == "0", "journal backup failed: \(seen["read_errors"] ?? "")")
        #expect(seen["backup_lead"] == "1", "the backup lacks the lead: \(seen)")
        #expect(seen["check_status"] == "0")
        #expect(seen["entries"] == "1", "\(seen)")
    }
}
