extension StringProtocol {
    /// The length an OpenAPI `minLength`/`maxLength` means: JSON Schema counts code points.
    /// `count` counts grapheme clusters, so a text with combining marks passed a check by
    /// `count` while breaking the published limit (the schema fuzzer found a comment of 4,001
    /// code points accepted as 4,000 characters). Every length a document declares is checked
    /// with this, on the text as sent.
    public var schemaLength: Int { unicodeScalars.count }
}
