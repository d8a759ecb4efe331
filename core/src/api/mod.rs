//! The HTTP API's bodies and paths, shared by browser and server, one file per topic. The
//! names are re-exported here, so a caller writes `api::Dashboard` whatever file holds it.

mod dashboard;
mod directives;
mod errors;
mod paths;
mod people;
mod progress;
mod review;
mod session;

pub use dashboard::*;
pub use directives::*;
pub use errors::*;
pub use paths::*;
pub use people::*;
pub use progress::*;
pub use review::*;
pub use session::*;
