//! Status conditions in the Kubernetes convention (`metav1.Condition`).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use k8s_openapi::jiff::Timestamp;

/// The condition types the operator writes.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum ConditionType {
    /// A server is degraded: the last reconcile failed.
    Degraded,
    /// A server is rolling out a change.
    Progressing,
    /// The resource is in effect.
    Ready,
}

impl ConditionType {
    /// The `type` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Degraded => "Degraded",
            Self::Progressing => "Progressing",
            Self::Ready => "Ready",
        }
    }
}

/// A condition's status.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum ConditionStatus {
    /// `"False"`.
    False,
    /// `"True"`.
    True,
}

impl ConditionStatus {
    /// The `status` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::False => "False",
            Self::True => "True",
        }
    }
}

/// Sets one condition in `conditions`, keeping its `lastTransitionTime` when the status did not change.
pub fn set_condition(
    conditions: &mut Vec<Condition>,
    condition: (ConditionType, ConditionStatus),
    reason: &str,
    message: String,
    generation: Option<i64>,
    now: Timestamp,
) {
    let (type_, status) = condition;
    let existing = conditions.iter().position(|c| c.type_ == type_.as_str());
    let transition = existing
        .and_then(|index| conditions.get(index))
        .filter(|c| c.status == status.as_str())
        .map_or(Time(now), |c| c.last_transition_time.clone());
    let updated = Condition {
        last_transition_time: transition,
        message,
        observed_generation: generation,
        reason: reason.to_owned(),
        status: status.as_str().to_owned(),
        type_: type_.as_str().to_owned(),
    };
    match existing.and_then(|index| conditions.get_mut(index)) {
        Some(slot) => *slot = updated,
        None => conditions.push(updated),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_transition_time_while_status_is_unchanged() {
        let first = Timestamp::from_second(1_000).unwrap();
        let later = Timestamp::from_second(2_000).unwrap();
        let ready = (ConditionType::Ready, ConditionStatus::True);
        let mut conditions = Vec::new();
        set_condition(
            &mut conditions,
            ready,
            "Synced",
            String::new(),
            Some(1),
            first,
        );
        set_condition(
            &mut conditions,
            ready,
            "Synced",
            "again".to_owned(),
            Some(2),
            later,
        );
        assert_eq!(conditions.len(), 1);
        assert_eq!(conditions[0].last_transition_time, Time(first));
        assert_eq!(conditions[0].observed_generation, Some(2));
        let not_ready = (ConditionType::Ready, ConditionStatus::False);
        set_condition(
            &mut conditions,
            not_ready,
            "SecretNotFound",
            String::new(),
            Some(2),
            later,
        );
        assert_eq!(conditions[0].last_transition_time, Time(later));
        assert_eq!(conditions[0].reason, "SecretNotFound");
    }
}
