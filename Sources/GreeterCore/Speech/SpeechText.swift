/// Makes any string (a name from the gallery folder, say) safe to hand to eSpeak NG as plain text.
enum SpeechText {
    /// Control characters become spaces, because eSpeak NG reads some of them as commands (Ctrl-A starts an
    /// embedded command such as a speed change) and a NUL would cut the C string short; runs of whitespace
    /// shrink to one space. SSML (`<speak>`) and phoneme input (`[[...]]`) need no escaping: they are only
    /// interpreted when their synthesis flags are passed, and they never are.
    static func plain(_ text: String) -> String {
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            switch scalar.properties.generalCategory {
            case .control, .lineSeparator, .paragraphSeparator: return " "
            default: return scalar
            }
        }))
        return cleaned.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
