//! Every string the UI shows, in Vietnamese (the default) and English.
//!
//! Keys are enums (the shell's [`Key`], the desk pages' [`DeskKey`]) and each language is
//! one exhaustive `match`, so a key without a translation does not compile. We chose this over a macro-based crate: it adds nothing to
//! the wasm beyond the strings themselves, needs no build script, and the locale comes
//! from a cookie the server reads, so server and browser render the same words.

use serde::{Deserialize, Serialize};

mod desk;
mod refusal;
mod report;
pub use desk::DeskKey;
pub use report::ReportKey;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Done,
    AppName,
    Tagline,
    SwitchLanguage,
    SignInTitle,
    Username,
    Password,
    SignIn,
    SigningIn,
    SignOut,
    WrongCredentials,
    SignInFailed,
    Loading,
    PageUnavailable,
    TryAgain,
    Online,
    Offline,
    Connecting,
    Pending,
    LastSync,
    Never,
    SyncNow,
    Syncing,
    SyncFailed,
    SessionExpired,
    StorageFull,
    StorageCorrupt,
    Rejected,
    FieldTitle,
    NoTasks,
    Deadline,
    Lead,
    Coordinating,
    ViewOnly,
    Target,
    StartsFrom,
    Period,
    EarlierPeriods,
    ServerUnreachable,
    Note,
    StorageUnavailable,
    UpdateWaiting,
    UpdateNow,
    StorageUsed,
    StoragePersistent,
    StorageBestEffort,
    RetryAt,
    UnsyncedSignOut,
    StaySignedIn,
    AddPhoto,
    NotAnImage,
    PhotoNotKept,
    PhotoWaiting,
    PhotoRefused,
    Evidence,
    ViewCompose,
    ViewDashboard,
    ReportSignedOff,
    SignedOffWithOpenItems,
    ViewField,
    ViewProgress,
    ViewAdmin,
    AdminFailed,
    ChangePassword,
    MustChangePassword,
    CurrentPassword,
    NewPassword,
    PasswordRule,
    PasswordChanged,
    SignOutEverywhere,
    TooManyAttempts,
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

impl Words for Key {
    fn vietnamese(self) -> &'static str {
        use Key::*;
        match self {
            Done => "Hoàn thành",
            AppName => "Chỉ đạo",
            Tagline => "Theo dõi thực hiện chỉ đạo của UBND tỉnh",
            SwitchLanguage => "English",
            SignInTitle => "Đăng nhập",
            Username => "Tên đăng nhập",
            Password => "Mật khẩu",
            SignIn => "Đăng nhập",
            SigningIn => "Đang đăng nhập…",
            SignOut => "Đăng xuất",
            WrongCredentials => "Sai tên đăng nhập hoặc mật khẩu.",
            SignInFailed => "Không đăng nhập được. Vui lòng kiểm tra kết nối mạng.",
            Loading => "Đang tải…",
            PageUnavailable => "Chưa tải được trang này (cần có mạng lần đầu mở).",
            TryAgain => "Thử lại",
            Online => "Trực tuyến",
            Offline => "Ngoại tuyến",
            Connecting => "Đang kết nối…",
            Pending => "Mục chờ đồng bộ",
            LastSync => "Đồng bộ lần cuối",
            Never => "chưa có",
            SyncNow => "Đồng bộ ngay",
            Syncing => "Đang đồng bộ…",
            SyncFailed => "Đồng bộ không thành công",
            SessionExpired => "Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại; các thay đổi chưa đồng bộ vẫn được giữ.",
            StorageFull => "Bộ nhớ của trình duyệt đã đầy: thay đổi này chưa được lưu. Hãy đồng bộ rồi thử lại.",
            StorageCorrupt => "Dữ liệu lưu trên máy không đọc được; đã giữ lại bản sao và tải lại từ máy chủ.",
            Rejected => "Thay đổi bị máy chủ từ chối",
            FieldTitle => "Nhiệm vụ của đơn vị",
            NoTasks => "Đơn vị chưa có nhiệm vụ nào.",
            Deadline => "Hạn cuối",
            Lead => "Chủ trì",
            Coordinating => "Phối hợp",
            ViewOnly => "chỉ xem",
            Target => "Mục tiêu",
            StartsFrom => "Từ ngày",
            Period => "Kỳ",
            EarlierPeriods => "Các kỳ trước",
            ServerUnreachable => "Không kết nối được máy chủ.",
            Note => "Ghi chú",
            StorageUnavailable => "Không ghi được vào bộ nhớ của trình duyệt",
            UpdateWaiting => "Đã có phiên bản mới. Ứng dụng sẽ cập nhật khi các thay đổi đã được đồng bộ; các thay đổi chưa đồng bộ vẫn được giữ trên máy này.",
            UpdateNow => "Cập nhật ngay",
            StorageUsed => "Bộ nhớ",
            StoragePersistent => "được giữ lâu dài",
            StorageBestEffort => "trình duyệt có thể xoá khi thiếu chỗ",
            RetryAt => "Thử lại lúc",
            UnsyncedSignOut => "thay đổi chưa được đồng bộ. Chúng vẫn được giữ trên máy này và sẽ được gửi khi bạn đăng nhập lại. Vẫn đăng xuất?",
            StaySignedIn => "Ở lại",
            AddPhoto => "Thêm ảnh",
            NotAnImage => "Tệp đã chọn không phải là ảnh.",
            PhotoNotKept => "Không lưu được ảnh trên máy này",
            PhotoWaiting => "Ảnh chờ gửi",
            PhotoRefused => "Ảnh bị từ chối",
            Evidence => "Ảnh minh chứng",
            ViewCompose => "Soạn chỉ đạo",
            ViewDashboard => "Bảng theo dõi",
            ReportSignedOff => "Đã báo cáo",
            SignedOffWithOpenItems => "mục chưa xong khi xác nhận",
            ViewField => "Công việc",
            ViewProgress => "Tiến độ chi tiết",
            ViewAdmin => "Quản trị",
            AdminFailed => "Không thực hiện được:",
            ChangePassword => "Đổi mật khẩu",
            MustChangePassword => "Mật khẩu của bạn là mật khẩu tạm thời. Hãy đặt mật khẩu mới để tiếp tục.",
            CurrentPassword => "Mật khẩu hiện tại",
            NewPassword => "Mật khẩu mới",
            PasswordRule => "Ít nhất 12 ký tự; nên là một câu ngắn dễ nhớ. Không dùng mật khẩu phổ biến như 123456789012.",
            PasswordChanged => "Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.",
            SignOutEverywhere => "Đăng xuất mọi thiết bị",
            TooManyAttempts => "Đăng nhập sai quá nhiều lần. Hãy thử lại sau ít phút.",
        }
    }

    fn english(self) -> &'static str {
        use Key::*;
        match self {
            Done => "Done",
            AppName => "Chidao",
            Tagline => "Following up the Provincial People's Committee's directives",
            SwitchLanguage => "Tiếng Việt",
            SignInTitle => "Sign in",
            Username => "Username",
            Password => "Password",
            SignIn => "Sign in",
            SigningIn => "Signing in…",
            SignOut => "Sign out",
            WrongCredentials => "Wrong username or password.",
            SignInFailed => "Could not sign in. Please check the network.",
            Loading => "Loading…",
            PageUnavailable => "This page could not be fetched (the first opening needs a network).",
            TryAgain => "Try again",
            Online => "Online",
            Offline => "Offline",
            Connecting => "Connecting…",
            Pending => "Items waiting to sync",
            LastSync => "Last sync",
            Never => "never",
            SyncNow => "Sync now",
            Syncing => "Syncing…",
            SyncFailed => "Sync failed",
            SessionExpired => "Your session has expired. Sign in again; unsynced changes are kept.",
            StorageFull => "The browser's storage is full: this change was not saved. Sync, then try again.",
            StorageCorrupt => "Data stored on this device could not be read; a copy was kept and data reloaded from the server.",
            Rejected => "Changes the server refused",
            FieldTitle => "Your unit's tasks",
            NoTasks => "Your unit has no tasks yet.",
            Deadline => "Last day",
            Lead => "Lead",
            Coordinating => "Coordinating",
            ViewOnly => "view only",
            Target => "Target",
            StartsFrom => "From",
            Period => "Period",
            EarlierPeriods => "Earlier periods",
            ServerUnreachable => "The server could not be reached.",
            Note => "Note",
            StorageUnavailable => "Could not write to the browser's storage",
            UpdateWaiting => "A new version is ready. The app updates once your changes are synced; unsynced changes stay on this device.",
            UpdateNow => "Update now",
            StorageUsed => "Storage",
            StoragePersistent => "kept persistently",
            StorageBestEffort => "the browser may clear it when short of space",
            RetryAt => "Next try at",
            UnsyncedSignOut => "changes are not synced yet. They stay on this device and are sent when you sign in again. Sign out anyway?",
            StaySignedIn => "Stay",
            AddPhoto => "Add photo",
            NotAnImage => "The chosen file is not an image.",
            PhotoNotKept => "The photo could not be kept on this device",
            PhotoWaiting => "Photos waiting to upload",
            PhotoRefused => "Photo refused",
            Evidence => "Photo evidence",
            ViewCompose => "Write",
            ViewDashboard => "Dashboard",
            ReportSignedOff => "Report done",
            SignedOffWithOpenItems => "items open when signed off",
            ViewField => "Work",
            ViewProgress => "Progress detail",
            ViewAdmin => "Administration",
            AdminFailed => "Could not do that:",
            ChangePassword => "Change password",
            MustChangePassword => "Your password is a temporary one. Set a new password to go on.",
            CurrentPassword => "Current password",
            NewPassword => "New password",
            PasswordRule => "At least 12 characters; a short sentence is easy to remember. Not a widely used one such as 123456789012.",
            PasswordChanged => "Password changed. Your other sessions have ended.",
            SignOutEverywhere => "Sign out everywhere",
            TooManyAttempts => "Too many failed sign-ins. Try again in a few minutes.",
        }
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
