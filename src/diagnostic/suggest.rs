//! "Did you mean" suggestions for misspelt names.

/// The candidate closest to `word`, if it is close enough to be a likely typo.
///
/// Closeness is the Jaro-Winkler similarity, which rewards a shared prefix
/// (most typos keep the first letters) and tolerates transpositions; the 0.8
/// cut-off keeps unrelated names (`foo` for `category`) from being offered.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word_lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// A help sentence offering the closest candidate, or listing what is valid
/// when the list is short enough to read.
pub fn help_for<'a>(
    word: &str,
    what: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<String> {
    if let Some(best) = did_you_mean(word, candidates.clone()) {
        return Some(format!("did you mean `{best}`?"));
    }
    let all: Vec<&str> = candidates.into_iter().collect();
    if all.is_empty() {
        None
    } else if all.len() <= 12 {
        let list = all
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        Some(format!("valid {what}: {list}"))
    } else {
        Some(format!(
            "{} {what} are defined; none is close to `{word}`",
            all.len()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let fields = ["category", "loss_usd", "source", "reported_at"];
        assert_eq!(did_you_mean("catgory", fields), Some("category"));
        assert_eq!(did_you_mean("loss_usdd", fields), Some("loss_usd"));
        assert_eq!(did_you_mean("Category", fields), Some("category"));
        assert_eq!(did_you_mean("zzz", fields), None);
    }

    #[test]
    fn help_lists_short_candidate_sets() {
        let help = help_for("xyz", "operators", ["gt", "lt"]).unwrap();
        assert_eq!(help, "valid operators: `gt`, `lt`");
    }
}
