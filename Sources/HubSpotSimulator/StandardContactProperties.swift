/// The contact properties the simulator starts with: HubSpot's standard ones that leadsync maps
/// (names, types and field types as HubSpot's default contact properties list them) and a few
/// custom ones the demo uses.
enum StandardContactProperties {
    static let lifecycleStages = [
        ("Subscriber", "subscriber"), ("Lead", "lead"), ("Marketing Qualified Lead", "marketingqualifiedlead"),
        ("Sales Qualified Lead", "salesqualifiedlead"), ("Opportunity", "opportunity"), ("Customer", "customer"),
        ("Evangelist", "evangelist"), ("Other", "other"),
    ]

    static func all() -> [SimProperty] {
        func standard(_ name: String, _ label: String, _ type: String = "string", _ fieldType: String = "text")
            -> SimProperty
        {
            SimProperty(name: name, label: label, type: type, fieldType: fieldType, hubspotDefined: true)
        }
        func readOnly(_ name: String, _ label: String, _ type: String, _ fieldType: String) -> SimProperty {
            SimProperty(
                name: name, label: label, type: type, fieldType: fieldType, readOnlyValue: true, calculated: false,
                hubspotDefined: true)
        }
        func custom(
            _ name: String, _ label: String, _ type: String, _ fieldType: String, _ options: [SimProperty.Option] = []
        )
            -> SimProperty
        {
            SimProperty(name: name, label: label, type: type, fieldType: fieldType, options: options)
        }
        let yesNo = [SimProperty.Option(label: "Yes", value: "true"), SimProperty.Option(label: "No", value: "false")]
        return [
            SimProperty(
                name: "email", label: "Email", type: "string", fieldType: "text", hasUniqueValue: false,
                hubspotDefined: true),
            standard("firstname", "First Name"),
            standard("lastname", "Last Name"),
            standard("phone", "Phone Number", "string", "phonenumber"),
            standard("mobilephone", "Mobile Phone Number", "string", "phonenumber"),
            standard("company", "Company Name"),
            standard("jobtitle", "Job Title"),
            standard("website", "Website URL"),
            standard("city", "City"),
            standard("country", "Country/Region"),
            standard("message", "Message", "string", "textarea"),
            SimProperty(
                name: "lifecyclestage", label: "Lifecycle Stage", type: "enumeration", fieldType: "radio",
                options: lifecycleStages.map { SimProperty.Option(label: $0.0, value: $0.1) }, hubspotDefined: true),
            SimProperty(
                name: "hs_lead_status", label: "Lead Status", type: "enumeration", fieldType: "select",
                options: [
                    ("New", "NEW"), ("Open", "OPEN"), ("In Progress", "IN_PROGRESS"),
                    ("Connected", "CONNECTED"), ("Unqualified", "UNQUALIFIED"),
                ]
                .map { SimProperty.Option(label: $0.0, value: $0.1) },
                hubspotDefined: true),
            SimProperty(
                name: "hs_additional_emails", label: "Additional email addresses", type: "enumeration",
                fieldType: "checkbox", readOnlyValue: false, hubspotDefined: true),
            readOnly("createdate", "Create Date", "datetime", "date"),
            readOnly("lastmodifieddate", "Last Modified Date", "datetime", "date"),
            readOnly("hs_object_id", "Record ID", "number", "number"),
            readOnly("hs_merged_object_ids", "Merged Record IDs", "enumeration", "checkbox"),
            SimProperty(
                name: "hs_analytics_num_visits", label: "Number of Sessions", type: "number", fieldType: "number",
                readOnlyValue: true, calculated: true, hubspotDefined: true),
            custom("budget", "Budget", "number", "number"),
            custom("meeting_booked", "Meeting booked", "bool", "booleancheckbox", yesNo),
            custom("conversation_summary", "Conversation summary", "string", "textarea"),
            custom("next_meeting", "Next meeting", "date", "date"),
            custom("last_contacted_at", "Last contacted at", "datetime", "date"),
            custom(
                "lead_source", "Lead source", "enumeration", "select",
                [("Web form", "web_form"), ("Chat", "chat"), ("Event", "event"), ("Referral", "referral")]
                    .map { SimProperty.Option(label: $0.0, value: $0.1) }),
            SimProperty(
                name: "external_lead_id", label: "External lead id", type: "string", fieldType: "text",
                hasUniqueValue: true),
        ]
    }
}
