use super::*;

#[test]
fn csv_rows_are_checked_with_their_lines() {
    let file = "Email,Name,Group,Scheduled_at,Pixels\n\
                ann@example.com,Ann,VIP,2026-03-01 10:00,2\n\
                not-an-email,Bob,VIP,,1\n\
                cat@example.com,Cat,,yesterday,1\n\
                ANN@example.com,Ann again,VIP,,1\n\
                dan@example.com,Dan,VIP,,11\n\
                eve@example.com,Eve,Other,2026-03-01T10:00:00+02:00,\n\
                fay@example.com,Fay,Other,2026-03-02,0\n";
    let parsed = parse(Format::Csv, file.as_bytes(), 100).expect("parsed");
    assert_eq!(parsed.rows.len(), 2);
    assert_eq!(parsed.rows[0].email, "ann@example.com");
    assert_eq!(parsed.rows[0].pixels, 2);
    assert_eq!(
        parsed.rows[0].scheduled_at.map(|t| t.to_rfc3339()),
        Some("2026-03-01T10:00:00+00:00".into())
    );
    assert_eq!(parsed.rows[1].pixels, 1);
    assert_eq!(
        parsed.rows[1].scheduled_at.map(|t| t.to_rfc3339()),
        Some("2026-03-01T08:00:00+00:00".into())
    );
    let reasons: Vec<(At, Reason)> = parsed
        .rejected
        .iter()
        .map(|r| (r.at, r.reason.clone()))
        .collect();
    assert_eq!(
        reasons,
        [
            (At::Line(3), Reason::InvalidEmail),
            (At::Line(4), Reason::UnparsableDate),
            (At::Line(5), Reason::DuplicateInFile { first: At::Line(2) }),
            (At::Line(6), Reason::TooManyPixels),
            (At::Line(8), Reason::InvalidPixelCount),
        ]
    );
}

#[test]
fn the_same_email_in_two_groups_is_two_contacts() {
    let file = "email,group\na@x.io,one\na@x.io,two\na@x.io,\n";
    let parsed = parse(Format::Csv, file.as_bytes(), 100).expect("parsed");
    let groups: Vec<&str> = parsed.rows.iter().map(|r| r.group.as_str()).collect();
    assert_eq!(groups, ["one", "two", DEFAULT_GROUP]);
}

#[test]
fn whole_files_are_refused() {
    let many = format!("email\n{}", "a@b.co\n".repeat(3));
    assert_eq!(
        parse(Format::Csv, many.as_bytes(), 2).unwrap_err(),
        Refusal::TooManyRows { rows: 3, max: 2 }
    );
    assert_eq!(
        parse(Format::Csv, b"name\nAnn\n", 10).unwrap_err(),
        Refusal::NoEmailColumn
    );
    assert_eq!(
        parse(Format::Csv, b"email\n", 10).unwrap_err(),
        Refusal::Empty
    );
    assert!(matches!(
        parse(Format::Csv, &[0xff, 0xfe, 0x00], 10),
        Err(Refusal::Unreadable(_))
    ));
    assert!(matches!(
        parse(Format::Json, b"{\"contacts\": 1}", 10),
        Err(Refusal::Unreadable(_))
    ));
    assert!(matches!(
        parse(Format::Json, b"[1,", 10),
        Err(Refusal::Unreadable(_))
    ));
    assert_eq!(format_of(Some("list.CSV"), None), Some(Format::Csv));
    assert_eq!(
        format_of(Some("x"), Some("application/json")),
        Some(Format::Json)
    );
    assert_eq!(
        format_of(Some("list.xlsx"), Some("application/vnd.ms-excel")),
        None
    );
}

#[test]
fn json_flat_and_nested_shapes() {
    let flat = r#"[{"email":"a@x.io","name":"A","group":"g","scheduled_at":"2026-01-02","pixels":3},
                  {"email":"bad","pixels":"2"}]"#;
    let parsed = parse(Format::Json, flat.as_bytes(), 10).expect("flat");
    assert_eq!(parsed.rows.len(), 1);
    assert_eq!(
        (parsed.rows[0].group.as_str(), parsed.rows[0].pixels),
        ("g", 3)
    );
    assert_eq!(parsed.rejected[0].at, At::Item(2));

    let nested = r#"{"campaigns":[{"name":"Spring","groups":[
        {"name":"VIP","contacts":[{"email":"a@x.io","pixels":2},{"email":"b@x.io"}]},
        {"name":"Rest","contacts":[{"email":"a@x.io","scheduled_at":"2026-01-02 09:30"}]}]}]}"#;
    let parsed = parse(Format::Json, nested.as_bytes(), 10).expect("nested");
    let rows: Vec<(&str, &str, u32)> = parsed
        .rows
        .iter()
        .map(|r| (r.group.as_str(), r.email.as_str(), r.pixels))
        .collect();
    assert_eq!(
        rows,
        [
            ("VIP", "a@x.io", 2),
            ("VIP", "b@x.io", 1),
            ("Rest", "a@x.io", 1)
        ]
    );
    let groups_only = r#"{"groups":[{"name":"G","contacts":[{"email":"c@x.io"}]}]}"#;
    assert_eq!(
        parse(Format::Json, groups_only.as_bytes(), 10)
            .expect("groups")
            .rows
            .len(),
        1
    );
}

#[test]
fn email_rules() {
    for good in ["a@b.co", "first.last+tag@mail.example.org", "o'neil@x-y.io"] {
        assert!(valid_email(good), "{good}");
    }
    for bad in [
        "", "a", "a@b", "@b.co", "a@.co", "a b@c.co", "a@@b.co", "a@b..co", ".a@b.co", "a@-b.co",
    ] {
        assert!(!valid_email(bad), "{bad}");
    }
}
