//! Settings travel inside a saved image: a downloaded PNG carries its prompt, model, seed,
//! job id, price and request, and dropping it back on the studio fills the form again.
//! Dropped on an image field, the same file is an image to use, not settings.

use krea_e2e::Stack;
use krea_studio::jobs::image_settings;

const COMPLETED: &str = "[data-testid='job-card'][data-status='completed']";

#[tokio::test]
async fn a_downloaded_png_carries_its_settings_and_dropping_it_back_restores_them() {
    let stack = Stack::start(300).await;
    stack.open().await;
    stack.select("model-select", "bfl/flux-1-dev").await;
    let prompt = "Città d'arte at dusk, lanterns";
    stack.type_into("prompt-input", prompt).await;
    stack.type_into("field-seed", "4242").await;
    stack.click("generate-button").await;
    stack.wait_for_count(COMPLETED, 1).await;
    let card = stack.css(COMPLETED).await;
    let id = card.attr("data-job-id").await.unwrap().unwrap();
    let file = stack.studio().download(&card).await;
    let bytes = std::fs::read(&file).unwrap();

    // The file itself holds what made it.
    let settings = image_settings::read(&bytes).expect("settings inside the PNG");
    assert_eq!(settings.prompt(), prompt);
    assert_eq!(settings.model_id, "bfl/flux-1-dev");
    assert_eq!(settings.seed().as_deref(), Some("4242"));
    assert_eq!(settings.job_id, id);
    assert!(settings.price.is_some(), "the price is written");
    assert!(
        stack
            .text_when("job-flash", |t| !t.is_empty())
            .await
            .starts_with("Saved as"),
        "the card says the file was saved"
    );

    // The form moves on to something else; the file dropped back brings it all back.
    stack
        .select("model-select", "krea/krea-2/medium-turbo")
        .await;
    stack.erase("prompt-input").await;
    stack.type_into("prompt-input", "something else").await;
    let images = stack.images();
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    images
        .drop_file("prompt-form", &name, "image/png", &bytes)
        .await;
    let said = stack.text_when("restore-outcome", |t| !t.is_empty()).await;
    assert_eq!(said, format!("Settings restored from {name}"));
    assert_eq!(stack.value("model-select").await, "bfl/flux-1-dev");
    assert_eq!(stack.value("prompt-input").await, prompt);
    assert_eq!(stack.value("field-seed").await, "4242");

    // Files that carry nothing, or a damaged record, are refused with the reason, and the
    // form keeps what it has.
    images
        .drop_file("prompt-form", "notes.txt", "text/plain", b"just words")
        .await;
    let said = stack
        .text_when("restore-outcome", |t| t.starts_with("notes.txt"))
        .await;
    assert!(said.contains("not a PNG or JPEG file"), "{said}");
    let record = bytes.windows(11).position(|w| w == b"krea_studio").unwrap();
    let mut damaged = bytes.clone();
    damaged[record + 60] ^= 0x20;
    images
        .drop_file("prompt-form", "damaged.png", "image/png", &damaged)
        .await;
    let said = stack
        .text_when("restore-outcome", |t| t.starts_with("damaged.png"))
        .await;
    assert!(said.contains("the file is damaged"), "{said}");
    assert_eq!(stack.value("prompt-input").await, prompt);

    // On an image field the file is an image: it is uploaded, and the settings stay.
    stack.select("model-select", "bytedance/seedream-4").await;
    images
        .drop_file("drop-style_images", &name, "image/png", &bytes)
        .await;
    images.wait_for_thumbs("style_images", 1).await;
    assert_eq!(stack.value("model-select").await, "bytedance/seedream-4");
    assert!(stack
        .text("restore-outcome")
        .await
        .starts_with("damaged.png"));
    stack.close().await;
}

#[tokio::test]
async fn a_downloaded_jpeg_carries_its_settings_in_xmp() {
    let stack = Stack::start(300).await;
    stack.open().await;
    // Luma UNI-1 answers JPEG when asked to, as Krea documents.
    stack.select("model-select", "luma/uni-1").await;
    let prompt = "Sentiero di montagna, nebbia";
    stack.type_into("prompt-input", prompt).await;
    stack.select("field-output_format", "jpeg").await;
    stack.click("generate-button").await;
    stack.wait_for_count(COMPLETED, 1).await;
    let card = stack.css(COMPLETED).await;
    let id = card.attr("data-job-id").await.unwrap().unwrap();
    let file = stack.studio().download(&card).await;
    assert!(
        file.to_string_lossy().ends_with(".jpg"),
        "saved as {}",
        file.display()
    );
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(&bytes[..3], b"\xff\xd8\xff", "a JPEG file");
    let settings = image_settings::read(&bytes).expect("settings inside the JPEG");
    assert_eq!(settings.prompt(), prompt);
    assert_eq!(settings.model_id, "luma/uni-1");
    assert_eq!(settings.job_id, id);

    // Dropped back on the form, the JPEG restores what made it.
    stack.select("model-select", "bfl/flux-1-dev").await;
    stack.erase("prompt-input").await;
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    stack
        .images()
        .drop_file("prompt-form", &name, "image/jpeg", &bytes)
        .await;
    let said = stack.text_when("restore-outcome", |t| !t.is_empty()).await;
    assert_eq!(said, format!("Settings restored from {name}"));
    assert_eq!(stack.value("model-select").await, "luma/uni-1");
    assert_eq!(stack.value("prompt-input").await, prompt);
    assert_eq!(stack.value("field-output_format").await, "jpeg");
    stack.close().await;
}
