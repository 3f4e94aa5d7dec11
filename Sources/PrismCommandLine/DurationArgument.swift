import ArgumentParser
import PrismAPI

/// `500ms`, `30s`, `5m`, `1h` on the command line; the error says what was wrong.
public enum DurationArgument {
    public static func parse(_ text: String) throws -> Duration {
        do {
            return try DurationText.parse(text)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
