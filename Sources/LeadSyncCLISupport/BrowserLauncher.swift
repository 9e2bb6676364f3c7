import Foundation

/// Opens a URL in the user's browser when there is one (`open` on macOS; `xdg-open` with a
/// display on Linux). Returns false when it could not, so `connect` relies on the printed URL.
enum BrowserLauncher {
    static func open(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        #if os(macOS)
            let command = "/usr/bin/open"
        #else
            guard environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil else { return false }
            let command = "/usr/bin/xdg-open"
        #endif
        guard FileManager.default.isExecutableFile(atPath: command) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = [url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return (try? process.run()) != nil
    }
}
