/// The note properties the simulator starts with: HubSpot's default note properties that an
/// integration writes or reads (DOC-NOTES).
enum StandardNoteProperties {
    static func all() -> [SimProperty] {
        func note(_ name: String, _ label: String, _ type: String, _ fieldType: String, readOnly: Bool = false)
            -> SimProperty
        {
            SimProperty(
                name: name, label: label, type: type, fieldType: fieldType, groupName: "engagement",
                readOnlyValue: readOnly,
                hubspotDefined: true)
        }
        return [
            note("hs_timestamp", "Activity date", "datetime", "date"),
            note("hs_note_body", "Note body", "string", "html"),
            note("hs_attachment_ids", "Attached file IDs", "string", "text"),
            note("hubspot_owner_id", "Activity assigned to", "string", "text"),
            note("hs_object_id", "Record ID", "number", "number", readOnly: true),
            note("hs_createdate", "Created at", "datetime", "date", readOnly: true),
            note("hs_lastmodifieddate", "Last modified date", "datetime", "date", readOnly: true),
        ]
    }
}
