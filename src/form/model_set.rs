//! "Compare models": the form's prompt sent to up to four models at once, each as its own
//! request (its own idempotency key when sent), the set's price known before sending.

use super::FormState;
use crate::form::FormErrors;
use crate::jobs::pricing::Spent;
use krea_api::{pricing::job_price, ImageRequest, ModelSpec, Models, Price};

/// How many models one set sends to.
pub const MAX_MODELS: usize = 4;

/// The models a set can send a prompt to: the image models that need nothing but a prompt
/// (an editing model needs an image first; an enhancer is not a generator).
pub fn prompt_only_models(models: &Models) -> Vec<&'static ModelSpec> {
    krea_api::MODELS
        .iter()
        .chain(models.discovered().iter().copied())
        .filter(|model| {
            let mut form = FormState::new(super::DEFAULT_MODEL);
            form.switch_model(model);
            form.prompt = "a prompt".to_owned();
            form.build().is_ok()
        })
        .collect()
}

/// Adds a model to the set, or takes it out; a fifth is refused (false).
pub fn choose(chosen: &mut Vec<String>, model_id: &str) -> bool {
    if let Some(at) = chosen.iter().position(|id| id == model_id) {
        chosen.remove(at);
        return true;
    }
    if chosen.len() >= MAX_MODELS {
        return false;
    }
    chosen.push(model_id.to_owned());
    true
}

/// What the set would send: for each chosen model, the form switched to it (the prompt and
/// every setting that model shares are kept; the rest are its own defaults), built and
/// checked as Generate checks it.
pub fn set_requests(
    form: &FormState,
    models: &Models,
    chosen: &[String],
) -> Vec<(String, Result<ImageRequest, FormErrors>)> {
    chosen
        .iter()
        .map(|id| {
            let mut one = form.clone();
            one.switch_to(models, id);
            let built = if one.model_id == *id {
                one.build()
            } else {
                // A model this studio no longer knows: nothing to build.
                Err(FormErrors::new())
            };
            (id.clone(), built)
        })
        .collect()
}

/// The whole set's price, before sending; and how many of its models state none.
pub fn set_price(models: &Models, requests: &[ImageRequest]) -> (Spent, usize) {
    requests.iter().fold(
        (Spent::default(), 0),
        |(mut spent, mut unstated), request| {
            match job_price(models, request.model.id, &request.body) {
                Price::Usd(usd) => spent.usd += usd,
                Price::ComputeUnits(units) => spent.compute_units += units,
                Price::Unstated => unstated += 1,
            }
            (spent, unstated)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn models() -> Models {
        Models::default()
    }

    #[test]
    fn only_models_that_need_just_a_prompt_are_offered() {
        let offered: Vec<&str> = prompt_only_models(&models()).iter().map(|m| m.id).collect();
        assert!(offered.contains(&"krea/krea-2/medium"), "{offered:?}");
        assert!(offered.len() >= 4, "{offered:?}");
        for id in &offered {
            let model = krea_api::catalogue::find(id).unwrap();
            assert!(
                crate::form::image_slot::ImageSlot::main(model)
                    .is_none_or(|slot| !slot.field.required),
                "{id} needs an image"
            );
        }
        assert!(
            !offered.iter().any(|id| id.contains("enhance")),
            "no enhancer: {offered:?}"
        );
    }

    #[test]
    fn four_at_most_and_a_second_choice_takes_a_model_out() {
        let mut chosen = Vec::new();
        for id in ["a", "b", "c", "d"] {
            assert!(choose(&mut chosen, id));
        }
        assert!(!choose(&mut chosen, "e"), "a fifth is refused");
        assert_eq!(chosen, ["a", "b", "c", "d"]);
        assert!(choose(&mut chosen, "b"));
        assert_eq!(chosen, ["a", "c", "d"]);
        assert!(choose(&mut chosen, "e"));
    }

    #[test]
    fn each_model_gets_the_prompt_and_its_own_settings_and_the_set_is_priced() {
        let offered = prompt_only_models(&models());
        let mut form = FormState::new("krea/krea-2/medium");
        form.prompt = "a lighthouse at dusk".to_owned();
        let chosen: Vec<String> = offered.iter().take(3).map(|m| m.id.to_owned()).collect();
        let built = set_requests(&form, &models(), &chosen);
        assert_eq!(built.len(), 3);
        let requests: Vec<ImageRequest> = built
            .into_iter()
            .map(|(id, request)| {
                let request = request.unwrap_or_else(|e| panic!("{id}: {e:?}"));
                assert_eq!(request.model.id, id);
                assert_eq!(request.body["prompt"], "a lighthouse at dusk");
                request
            })
            .collect();
        let (spent, unstated) = set_price(&models(), &requests);
        let one_by_one: f64 = requests
            .iter()
            .filter_map(|r| match job_price(&models(), r.model.id, &r.body) {
                Price::Usd(usd) => Some(usd),
                _ => None,
            })
            .sum();
        assert!((spent.usd - one_by_one).abs() < 1e-9);
        assert!(unstated <= 3);
        // No prompt: every model says so.
        form.prompt.clear();
        assert!(set_requests(&form, &models(), &chosen)
            .iter()
            .all(|(_, built)| built.is_err()));
    }
}
