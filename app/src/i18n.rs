//! Every string the UI shows, in Vietnamese (the default) and English.
//!
//! Keys are an enum and each language is one exhaustive `match`, so a key without a
//! translation does not compile. We chose this over a macro-based crate: it adds nothing to
//! the wasm beyond the strings themselves, needs no build script, and the locale comes
//! from a cookie the server reads, so server and browser render the same words.

use serde::{Deserialize, Serialize};

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
    Online,
    Offline,
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
    Overdue,
    StartsFrom,
    Note,
    NoteTooLong,
    Done,
    ProgressTitle,
    Unit,
    Items,
    Percent,
    ProgressFailed,
    Refresh,
    NotFound,
    ChangedBy,
    NoChecklist,
    StorageUnavailable,
    Conflict,
    ParallelUpdate,
    ReviewTitle,
    ReviewHint,
    KeepChosen,
    Standing,
    ReviewedBefore,
    NotDone,
    EmptyNote,
    ReviewFailed,
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
    ViewField,
    ViewProgress,
    ViewAdmin,
    UnitsTitle,
    AccountsTitle,
    ImportUnitsTitle,
    ImportUnitsHint,
    ImportUnits,
    UnitsWritten,
    RowErrors,
    Line,
    Code,
    Name,
    Kind,
    Parent,
    SaveUnit,
    Edit,
    NewAccount,
    EditAccount,
    DisplayName,
    RolesLabel,
    UnitLabel,
    LastSignIn,
    NeverSignedIn,
    Active,
    DisabledState,
    Disable,
    Enable,
    ResetPassword,
    TemporaryPassword,
    Save,
    Cancel,
    RoleOfficial,
    RoleHead,
    RoleSupervisor,
    RoleAdmin,
    AdminFailed,
    ChangePassword,
    MustChangePassword,
    CurrentPassword,
    NewPassword,
    PasswordChanged,
    SignOutEverywhere,
    TooManyAttempts,
    AccountDisabled,
}

/// The text for `key` in `locale`.
pub fn t(locale: Locale, key: Key) -> &'static str {
    match locale {
        Locale::Vi => vietnamese(key),
        Locale::En => english(key),
    }
}

fn vietnamese(key: Key) -> &'static str {
    use Key::*;
    match key {
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
        Online => "Trực tuyến",
        Offline => "Ngoại tuyến",
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
        Deadline => "Hạn",
        Lead => "Chủ trì",
        Coordinating => "Phối hợp",
        ViewOnly => "chỉ xem",
        Target => "Mục tiêu",
        Overdue => "Quá hạn",
        StartsFrom => "Từ ngày",
        Note => "Ghi chú",
        NoteTooLong => "Ghi chú dài quá 4.000 ký tự.",
        Done => "Hoàn thành",
        ProgressTitle => "Tiến độ thực hiện",
        Unit => "Đơn vị",
        Items => "Mục",
        Percent => "Tỷ lệ",
        ProgressFailed => "Không tải được tiến độ.",
        Refresh => "Tải lại",
        NotFound => "Không tìm thấy trang.",
        ChangedBy => "Cập nhật bởi",
        NoChecklist => "Chưa giao danh sách kiểm tra cho đơn vị nào.",
        StorageUnavailable => "Không ghi được vào bộ nhớ của trình duyệt",
        Conflict => "Hai người sửa cùng lúc — cần xem lại",
        ParallelUpdate => "Được cập nhật song song",
        ReviewTitle => "Xung đột cần xem xét",
        ReviewHint => "Hai người đã sửa cùng một mục mà không thấy thay đổi của nhau. Chọn giá trị được giữ; các máy tính bảng sẽ nhận giá trị này khi đồng bộ.",
        KeepChosen => "Giữ giá trị đã chọn",
        Standing => "đang áp dụng",
        ReviewedBefore => "đã xem xét",
        NotDone => "Chưa hoàn thành",
        EmptyNote => "(ghi chú trống)",
        ReviewFailed => "Không lưu được quyết định:",
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
        ViewField => "Công việc",
        ViewProgress => "Theo dõi",
        ViewAdmin => "Quản trị",
        UnitsTitle => "Đơn vị",
        AccountsTitle => "Tài khoản",
        ImportUnitsTitle => "Nhập danh sách đơn vị từ tệp CSV",
        ImportUnitsHint => "Dòng đầu: code,name,kind,parent_code. kind là province, department, district hoặc commune. Tệp có lỗi thì không nhập dòng nào.",
        ImportUnits => "Nhập",
        UnitsWritten => "đơn vị đã được thêm hoặc cập nhật.",
        RowErrors => "Tệp có lỗi, chưa nhập dòng nào:",
        Line => "Dòng",
        Code => "Mã",
        Name => "Tên",
        Kind => "Loại",
        Parent => "Trực thuộc",
        SaveUnit => "Lưu đơn vị",
        Edit => "Sửa",
        NewAccount => "Tạo tài khoản",
        EditAccount => "Sửa tài khoản",
        DisplayName => "Họ tên",
        RolesLabel => "Vai trò",
        UnitLabel => "Đơn vị",
        LastSignIn => "Đăng nhập gần nhất",
        NeverSignedIn => "Chưa đăng nhập",
        Active => "Đang hoạt động",
        DisabledState => "Đã khoá",
        Disable => "Khoá",
        Enable => "Mở khoá",
        ResetPassword => "Đặt lại mật khẩu",
        TemporaryPassword => "Mật khẩu tạm thời (chỉ hiện một lần; người dùng phải đổi khi đăng nhập):",
        Save => "Lưu",
        Cancel => "Huỷ",
        RoleOfficial => "Cán bộ",
        RoleHead => "Lãnh đạo đơn vị",
        RoleSupervisor => "Theo dõi, chỉ đạo",
        RoleAdmin => "Quản trị",
        AdminFailed => "Không thực hiện được:",
        ChangePassword => "Đổi mật khẩu",
        MustChangePassword => "Mật khẩu của bạn là mật khẩu tạm thời. Hãy đặt mật khẩu mới để tiếp tục.",
        CurrentPassword => "Mật khẩu hiện tại",
        NewPassword => "Mật khẩu mới (ít nhất 8 ký tự)",
        PasswordChanged => "Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.",
        SignOutEverywhere => "Đăng xuất mọi thiết bị",
        TooManyAttempts => "Đăng nhập sai quá nhiều lần. Hãy thử lại sau ít phút.",
        AccountDisabled => "Tài khoản đã bị khoá. Hãy liên hệ quản trị viên.",
    }
}

fn english(key: Key) -> &'static str {
    use Key::*;
    match key {
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
        Online => "Online",
        Offline => "Offline",
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
        Deadline => "Due",
        Lead => "Lead",
        Coordinating => "Coordinating",
        ViewOnly => "view only",
        Target => "Target",
        Overdue => "Overdue",
        StartsFrom => "From",
        Note => "Note",
        NoteTooLong => "The note is longer than 4,000 characters.",
        Done => "Done",
        ProgressTitle => "Progress",
        Unit => "Unit",
        Items => "Items",
        Percent => "Percent",
        ProgressFailed => "Could not load progress.",
        Refresh => "Refresh",
        NotFound => "Page not found.",
        ChangedBy => "Changed by",
        NoChecklist => "No unit has a checklist for this task yet.",
        StorageUnavailable => "Could not write to the browser's storage",
        Conflict => "Changed by two people at once — needs review",
        ParallelUpdate => "Updated in parallel",
        ReviewTitle => "Conflicts to review",
        ReviewHint => "Two people changed the same item without seeing each other's edit. Choose the value to keep; the tablets receive it when they sync.",
        KeepChosen => "Keep the chosen values",
        Standing => "standing",
        ReviewedBefore => "reviewed",
        NotDone => "Not done",
        EmptyNote => "(empty note)",
        ReviewFailed => "The decision was not saved:",
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
        ViewField => "Work",
        ViewProgress => "Progress",
        ViewAdmin => "Administration",
        UnitsTitle => "Units",
        AccountsTitle => "Accounts",
        ImportUnitsTitle => "Import units from a CSV file",
        ImportUnitsHint => "First line: code,name,kind,parent_code. kind is province, department, district or commune. A file with errors imports nothing.",
        ImportUnits => "Import",
        UnitsWritten => "units added or changed.",
        RowErrors => "The file has errors; nothing was imported:",
        Line => "Line",
        Code => "Code",
        Name => "Name",
        Kind => "Kind",
        Parent => "Parent",
        SaveUnit => "Save unit",
        Edit => "Edit",
        NewAccount => "New account",
        EditAccount => "Edit account",
        DisplayName => "Display name",
        RolesLabel => "Roles",
        UnitLabel => "Unit",
        LastSignIn => "Last sign-in",
        NeverSignedIn => "Never",
        Active => "Active",
        DisabledState => "Disabled",
        Disable => "Disable",
        Enable => "Enable",
        ResetPassword => "Reset password",
        TemporaryPassword => "Temporary password (shown once; the user must change it at sign-in):",
        Save => "Save",
        Cancel => "Cancel",
        RoleOfficial => "Official",
        RoleHead => "Unit head",
        RoleSupervisor => "Supervisor",
        RoleAdmin => "Admin",
        AdminFailed => "Could not do that:",
        ChangePassword => "Change password",
        MustChangePassword => "Your password is a temporary one. Set a new password to go on.",
        CurrentPassword => "Current password",
        NewPassword => "New password (at least 8 characters)",
        PasswordChanged => "Password changed. Your other sessions have ended.",
        SignOutEverywhere => "Sign out everywhere",
        TooManyAttempts => "Too many failed sign-ins. Try again in a few minutes.",
        AccountDisabled => "This account is disabled. Contact an administrator.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
