/// Empty collections as nil, for "use the default when none were given".
extension Array {
    var nonEmpty: Self? { isEmpty ? nil : self }
}
