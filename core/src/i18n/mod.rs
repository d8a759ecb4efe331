//! Every string the UI shows, in Vietnamese (the default) and English.
//!
//! Each set of words is declared once with [`words!`]: a key and its two translations on
//! one line, expanded into the key enum and two exhaustive `match`es, so a key without
//! either language does not compile. We chose this over an i18n crate: it adds nothing to
//! the wasm beyond the strings themselves, needs no build script or resource files, and
//! the locale comes from a cookie the server reads, so server and browser render the
//! same words.

/// Declares words in both languages, side by side.
///
/// `words! { pub enum Key { Done => ("Hoàn thành", "Done"), … } }` declares the key enum;
/// `words! { impl Role { Official => ("Cán bộ", "Official"), … } }` gives words to an
/// enum declared elsewhere (the domain's), which must list every variant.
macro_rules! words {
    ($(#[$meta:meta])* pub enum $name:ident { $($key:ident => ($vi:literal, $en:literal $(,)?)),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($key),* }

        words! { impl $name { $($key => ($vi, $en)),* } }
    };
    (impl $name:path { $($key:ident => ($vi:literal, $en:literal $(,)?)),* $(,)? }) => {
        impl $crate::i18n::Words for $name {
            fn vietnamese(self) -> &'static str {
                match self { $(Self::$key => $vi),* }
            }

            fn english(self) -> &'static str {
                match self { $(Self::$key => $en),* }
            }
        }
    };
}

use serde::{Deserialize, Serialize};

mod desk;
mod refusal;
mod report;
mod written;
pub use desk::DeskKey;
pub use report::ReportKey;
pub use written::{human_size, vietnam_date, vietnam_time};

/// Name of the cookie that carries the chosen language.
pub const LOCALE_COOKIE: &str = "chidao_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    Vi,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Vi => "vi",
            Locale::En => "en",
        }
    }

    /// Anything but a known code falls back to Vietnamese.
    pub fn from_code(code: &str) -> Self {
        match code.trim() {
            "en" => Locale::En,
            _ => Locale::Vi,
        }
    }

    /// The language named by our cookie in a `Cookie:` header, if any.
    pub fn from_cookie_header(header: &str) -> Option<Self> {
        header
            .split(';')
            .filter_map(|pair| pair.split_once('='))
            .find(|(name, _)| name.trim() == LOCALE_COOKIE)
            .map(|(_, value)| Self::from_code(value))
    }

    pub fn other(self) -> Self {
        match self {
            Locale::Vi => Locale::En,
            Locale::En => Locale::Vi,
        }
    }
}

words! {
    pub enum Key {
        Done => ("Hoàn thành", "Done"),
        AppName => ("Chỉ đạo", "Chidao"),
        Tagline => (
            "Theo dõi thực hiện chỉ đạo của UBND tỉnh",
            "Following up the Provincial People's Committee's directives",
        ),
        SwitchLanguage => ("English", "Tiếng Việt"),
        SignInTitle => ("Đăng nhập", "Sign in"),
        Username => ("Tên đăng nhập", "Username"),
        Password => ("Mật khẩu", "Password"),
        SignIn => ("Đăng nhập", "Sign in"),
        SigningIn => ("Đang đăng nhập…", "Signing in…"),
        SignOut => ("Đăng xuất", "Sign out"),
        WrongCredentials => ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password."),
        SignInFailed => (
            "Không đăng nhập được. Vui lòng kiểm tra kết nối mạng.",
            "Could not sign in. Please check the network.",
        ),
        Loading => ("Đang tải…", "Loading…"),
        PageUnavailable => (
            "Chưa tải được trang này (cần có mạng lần đầu mở).",
            "This page could not be fetched (the first opening needs a network).",
        ),
        TryAgain => ("Thử lại", "Try again"),
        Online => ("Trực tuyến", "Online"),
        Offline => ("Ngoại tuyến", "Offline"),
        Connecting => ("Đang kết nối…", "Connecting…"),
        Pending => ("Mục chờ đồng bộ", "Items waiting to sync"),
        LastSync => ("Đồng bộ lần cuối", "Last sync"),
        Never => ("chưa có", "never"),
        SyncNow => ("Đồng bộ ngay", "Sync now"),
        Syncing => ("Đang đồng bộ…", "Syncing…"),
        SyncFailed => ("Đồng bộ không thành công", "Sync failed"),
        SessionExpired => (
            "Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại; các thay đổi chưa đồng bộ vẫn được giữ.",
            "Your session has expired. Sign in again; unsynced changes are kept.",
        ),
        StorageFull => (
            "Bộ nhớ của trình duyệt đã đầy: thay đổi này chưa được lưu. Hãy đồng bộ rồi thử lại.",
            "The browser's storage is full: this change was not saved. Sync, then try again.",
        ),
        StorageCorrupt => (
            "Dữ liệu lưu trên máy không đọc được; đã giữ lại bản sao và tải lại từ máy chủ.",
            "Data stored on this device could not be read; a copy was kept and data reloaded from the server.",
        ),
        Rejected => ("Thay đổi bị máy chủ từ chối", "Changes the server refused"),
        FieldTitle => ("Nhiệm vụ của đơn vị", "Your unit's tasks"),
        NoTasks => ("Đơn vị chưa có nhiệm vụ nào.", "Your unit has no tasks yet."),
        Deadline => ("Hạn cuối", "Last day"),
        Lead => ("Chủ trì", "Lead"),
        Coordinating => ("Phối hợp", "Coordinating"),
        ViewOnly => ("chỉ xem", "view only"),
        Target => ("Mục tiêu", "Target"),
        StartsFrom => ("Từ ngày", "From"),
        Period => ("Kỳ", "Period"),
        EarlierPeriods => ("Các kỳ trước", "Earlier periods"),
        ServerUnreachable => ("Không kết nối được máy chủ.", "The server could not be reached."),
        Note => ("Ghi chú", "Note"),
        StorageUnavailable => (
            "Không ghi được vào bộ nhớ của trình duyệt",
            "Could not write to the browser's storage",
        ),
        UpdateWaiting => (
            "Đã có phiên bản mới. Ứng dụng sẽ cập nhật khi các thay đổi đã được đồng bộ; các thay đổi chưa đồng bộ vẫn được giữ trên máy này.",
            "A new version is ready. The app updates once your changes are synced; unsynced changes stay on this device.",
        ),
        UpdateNow => ("Cập nhật ngay", "Update now"),
        StorageUsed => ("Bộ nhớ", "Storage"),
        StoragePersistent => (
            "trình duyệt đã đồng ý giữ dữ liệu này",
            "the browser agreed to keep this data",
        ),
        StorageBestEffort => (
            "trình duyệt chưa hứa giữ dữ liệu: hãy đồng bộ khi có mạng và đừng xoá dữ liệu duyệt web",
            "the browser has not promised to keep it: sync when online and do not clear browsing data",
        ),
        RetryAt => ("Thử lại lúc", "Next try at"),
        UnsyncedSignOut => (
            "thay đổi chưa được đồng bộ. Chúng vẫn được giữ trên máy này và sẽ được gửi khi bạn đăng nhập lại. Vẫn đăng xuất?",
            "changes are not synced yet. They stay on this device and are sent when you sign in again. Sign out anyway?",
        ),
        StaySignedIn => ("Ở lại", "Stay"),
        AddPhoto => ("Thêm ảnh", "Add photo"),
        NotAnImage => ("Tệp đã chọn không phải là ảnh.", "The chosen file is not an image."),
        PhotoNotKept => (
            "Không lưu được ảnh trên máy này",
            "The photo could not be kept on this device",
        ),
        PhotoWaiting => ("Ảnh chờ gửi", "Photos waiting to upload"),
        PhotoRefused => ("Ảnh bị từ chối", "Photo refused"),
        Evidence => ("Ảnh minh chứng", "Photo evidence"),
        ViewCompose => ("Soạn chỉ đạo", "Write"),
        ViewDashboard => ("Bảng theo dõi", "Dashboard"),
        ReportSignedOff => ("Đã báo cáo", "Report done"),
        SignedOffWithOpenItems => ("mục chưa xong khi xác nhận", "items open when signed off"),
        ViewField => ("Công việc", "Work"),
        ViewProgress => ("Tiến độ chi tiết", "Progress detail"),
        ViewAdmin => ("Quản trị", "Administration"),
        AdminFailed => ("Không thực hiện được:", "Could not do that:"),
        ChangePassword => ("Đổi mật khẩu", "Change password"),
        MustChangePassword => (
            "Mật khẩu của bạn là mật khẩu tạm thời. Hãy đặt mật khẩu mới để tiếp tục.",
            "Your password is a temporary one. Set a new password to go on.",
        ),
        CurrentPassword => ("Mật khẩu hiện tại", "Current password"),
        NewPassword => ("Mật khẩu mới", "New password"),
        PasswordRule => (
            "Ít nhất 12 ký tự; nên là một câu ngắn dễ nhớ. Không dùng mật khẩu phổ biến như 123456789012.",
            "At least 12 characters; a short sentence is easy to remember. Not a widely used one such as 123456789012.",
        ),
        PasswordChanged => (
            "Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.",
            "Password changed. Your other sessions have ended.",
        ),
        SignOutEverywhere => ("Đăng xuất mọi thiết bị", "Sign out everywhere"),
        TooManyAttempts => (
            "Đăng nhập sai quá nhiều lần. Hãy thử lại sau ít phút.",
            "Too many failed sign-ins. Try again in a few minutes.",
        ),
        WorkSearch => ("Tìm trong nhiệm vụ", "Search the tasks"),
        WorkFilters => ("Lọc nhiệm vụ", "Filter the tasks"),
        NothingHere => ("Không có nhiệm vụ nào ở mục này.", "No task here."),
        NotSent => ("Chưa gửi", "Not sent"),
        Photos => ("ảnh", "photos"),
        NoteDraft => ("Bản nháp, chưa lưu", "Draft, not saved yet"),
        SaveNote => ("Lưu ghi chú", "Save note"),
        ItemsDone => ("Mục đã xong", "Items done"),
        UnitsOverview => ("Tình hình các đơn vị", "The units at a glance"),
        Unit => ("Đơn vị", "Unit"),
        Checklist => ("Danh mục việc", "Checklist"),
        NoteSuperseded => (
            "Hai người đã sửa ghi chú này mà không thấy bản của nhau; ghi chú đang có hiệu lực là của",
            "Two people changed this note without seeing each other's; the one that stands is from",
        ),
    }
}

words! {
    impl crate::worklist::WorkFilter {
        Open => ("Chưa xong", "Not done"),
        DueSoon => ("Sắp đến hạn", "Due soon"),
        Overdue => ("Quá hạn", "Overdue"),
        Done => ("Đã xong", "Done"),
        All => ("Tất cả", "All"),
    }
}

/// A set of UI words, each in both languages. The words of the supervisors' and admins'
/// pages are a set of their own ([`DeskKey`]), so that they travel in those pages' wasm
/// chunks rather than in every tablet's offline shell.
pub trait Words: Copy + Send + Sync + 'static {
    fn vietnamese(self) -> &'static str;
    fn english(self) -> &'static str;
}

/// The text for `key` in `locale`.
pub fn t(locale: Locale, key: impl Words) -> &'static str {
    match locale {
        Locale::Vi => key.vietnamese(),
        Locale::En => key.english(),
    }
}

/// A whole number as the reader writes it: `4.000` in Vietnamese, `4,000` in English.
pub fn count(locale: Locale, number: usize) -> String {
    let separator = match locale {
        Locale::Vi => '.',
        Locale::En => ',',
    };
    let digits = number.to_string();
    let mut written = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            written.push(separator);
        }
        written.push(digit);
    }
    written
}

/// Why a note was refused, with its limit written from the rule's own constant.
pub fn note_refused(locale: Locale, error: &crate::domain::DomainError) -> String {
    use crate::domain::DomainError::TooLong;
    match (locale, error) {
        (Locale::Vi, TooLong { max, .. }) => format!("Ghi chú dài quá {} ký tự.", count(locale, *max)),
        (Locale::En, TooLong { max, .. }) => format!("The note is longer than {} characters.", count(locale, *max)),
        (Locale::Vi, _) => "Ghi chú có ký tự điều khiển không lưu được.".to_owned(),
        (Locale::En, _) => "The note has control characters that cannot be kept.".to_owned(),
    }
}

/// A period of recurring work as people name it: "tháng 11/2026", "quý IV/2026".
pub fn period_name(locale: Locale, period: crate::domain::Period) -> String {
    use crate::domain::Cycle;
    let (year, number) = (period.year, period.number);
    let roman = ["I", "II", "III", "IV"].get(number as usize - 1).copied().unwrap_or("");
    match (locale, period.cycle) {
        (Locale::Vi, Cycle::Weekly) => format!("tuần {number}/{year}"),
        (Locale::Vi, Cycle::Monthly) => format!("tháng {number}/{year}"),
        (Locale::Vi, Cycle::Quarterly) => format!("quý {roman}/{year}"),
        (Locale::Vi, Cycle::Yearly) => format!("năm {year}"),
        (Locale::En, Cycle::Weekly) => format!("week {number} of {year}"),
        (Locale::En, Cycle::Monthly) => format!("{number:02}/{year}"),
        (Locale::En, Cycle::Quarterly) => format!("Q{number} {year}"),
        (Locale::En, Cycle::Yearly) => format!("{year}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_named_as_officials_write_them() {
        let quarter = crate::domain::Period::parse("2026-Q4").unwrap();
        assert_eq!(period_name(Locale::Vi, quarter), "quý IV/2026");
        assert_eq!(period_name(Locale::En, quarter), "Q4 2026");
        assert_eq!(period_name(Locale::Vi, crate::domain::Period::parse("2026-11").unwrap()), "tháng 11/2026");
    }

    #[test]
    fn numbers_are_grouped_as_each_language_writes_them() {
        assert_eq!(count(Locale::Vi, 4000), "4.000");
        assert_eq!(count(Locale::En, 1_234_567), "1,234,567");
        assert_eq!(count(Locale::Vi, 999), "999");
        assert_eq!(count(Locale::En, 0), "0");
    }

    #[test]
    fn a_refused_note_names_the_limit_the_rule_enforces() {
        let too_long = crate::domain::Note::parse(&"a".repeat(crate::domain::NOTE_MAX_CHARS + 1)).unwrap_err();
        assert_eq!(
            note_refused(Locale::Vi, &too_long),
            format!("Ghi chú dài quá {} ký tự.", count(Locale::Vi, crate::domain::NOTE_MAX_CHARS))
        );
        assert!(note_refused(Locale::En, &too_long).contains("4,000"));
        let control = crate::domain::Note::parse("a\u{7}b").unwrap_err();
        assert!(note_refused(Locale::Vi, &control).contains("ký tự điều khiển"));
    }

    #[test]
    fn vietnamese_is_the_default_and_unknown_codes_fall_back_to_it() {
        assert_eq!(Locale::default(), Locale::Vi);
        assert_eq!(Locale::from_code("fr"), Locale::Vi);
        assert_eq!(Locale::from_code("en"), Locale::En);
    }

    #[test]
    fn the_cookie_header_chooses_the_language() {
        assert_eq!(Locale::from_cookie_header("a=1; chidao_lang=en; b=2"), Some(Locale::En));
        assert_eq!(Locale::from_cookie_header("a=1"), None);
    }

    #[test]
    fn both_languages_differ_where_words_differ() {
        assert_ne!(t(Locale::Vi, Key::SignIn), t(Locale::En, Key::SignIn));
        assert_ne!(t(Locale::Vi, DeskKey::ProgressTitle), t(Locale::En, DeskKey::ProgressTitle));
    }
}
