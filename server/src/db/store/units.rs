//! The unit tree an admin keeps.

use super::{to_json, DbError, UnitStore};
use chidao_core::domain::Unit;
use serde_json::json;

/// Units written per transaction: with the longest names and codes, a step of this many
/// fits the embedded engine's least write buffer many times over (a test imports the
/// largest file allowed), while a whole such file in one transaction does not.
const UNITS_PER_WRITE: usize = 2_000;

impl UnitStore {
    /// Writes new and changed `units` in steps of a bounded size, each unit in a step after
    /// its parent's, so that a write cut short leaves no unit without its parent; the same
    /// file imported again writes the rest.
    pub async fn write_units(&self, units: &[Unit]) -> Result<(), DbError> {
        let context = "writing units";
        let mut parents_first: Vec<&Unit> = units.iter().collect();
        parents_first.sort_by_key(|unit| unit.kind.depth());
        let query = "BEGIN TRANSACTION; \
                     FOR $unit IN $units { UPSERT type::record('unit', $unit.code) CONTENT $unit; }; \
                     COMMIT TRANSACTION;";
        for step in parents_first.chunks(UNITS_PER_WRITE) {
            self.db.run(context, query, json!({"units": to_json(&step, context)?})).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{code, empty, province};
    use chidao_core::domain::{Unit, UnitKind};

    #[tokio::test]
    async fn the_tree_reads_back_by_code_and_a_unit_written_again_is_replaced() {
        let province = province().await;
        let codes: Vec<String> = province.store.units.units().await.unwrap().into_iter().map(|unit| unit.code.to_string()).collect();
        assert_eq!(codes, ["H-SON-TINH", "QNG", "XA-TINH-HA", "XA-TINH-SON"]);
        let renamed =
            Unit::new(code("XA-TINH-HA"), "UBND xã Tịnh Hà (mới)", UnitKind::Commune, Some((code("H-SON-TINH"), UnitKind::District)))
                .unwrap();
        province.store.units.write_units(std::slice::from_ref(&renamed)).await.unwrap();
        assert_eq!(province.store.units.unit(&code("XA-TINH-HA")).await.unwrap(), Some(renamed));
        assert_eq!(province.store.units.unit(&code("XA-KHONG-CO")).await.unwrap(), None);
        assert!(empty().await.units.units().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn children_given_before_their_parent_are_written_after_it() {
        let store = empty().await;
        let district = Unit::new(code("H-MOI"), "UBND huyện Mới", UnitKind::District, Some((code("TINH"), UnitKind::Province))).unwrap();
        let province = Unit::new(code("TINH"), "UBND tỉnh", UnitKind::Province, None).unwrap();
        store.units.write_units(&[district, province]).await.unwrap();
        assert_eq!(store.units.units().await.unwrap().len(), 2);
    }
}
