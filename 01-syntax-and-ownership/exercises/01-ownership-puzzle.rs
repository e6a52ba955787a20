//! # Ownership puzzle: moving, taking and swapping without cloning
//!
//! - **Goal:** implement seven small operations on a print queue so that every `String` and `Vec` is moved or borrowed, never copied.
//! - **Concepts:** moves; partial moves out of a struct; `std::mem::take`, `std::mem::replace`, `std::mem::swap`; `Option::take`; borrowing instead of moving.
//! - **Read first:** `notes/01-ownership-model.md` and `notes/04-move-semantics.md`.
//! - **Run:** `cargo run -p syntax-and-ownership --bin m01-ownership-puzzle`
//! - **Test:** `cargo test -p syntax-and-ownership --bin m01-ownership-puzzle`
//! - **Done when:** every test passes. The tests compare heap-buffer addresses before and after each call, so a `.clone()` (or any other copy) of a title or a page list makes them fail.

use std::mem;

/// A document waiting in a print queue.
#[derive(Debug, Default, PartialEq)]
struct Document {
    /// The title printed on the cover sheet.
    title: String,
    /// The text of each page, in order.
    pages: Vec<String>,
}

impl Document {
    /// Builds a document from a title and page texts.
    fn new(title: &str, pages: &[&str]) -> Self {
        Document {
            title: title.to_string(),
            pages: pages.iter().map(|page| page.to_string()).collect(),
        }
    }
}

/// Consumes a document and gives back only its title; the pages are dropped.
fn into_title(document: Document) -> String {
    // course:solution Move the title field out of the document (a partial move).
    document.title
    // course:end
}

/// Takes every page out of the document, leaving it with no pages, and returns them.
fn take_pages(document: &mut Document) -> Vec<String> {
    // course:solution You only have `&mut`: leave an empty Vec behind in exchange.
    mem::take(&mut document.pages)
    // course:end
}

/// Gives the document a new title and returns the old one.
fn rename(document: &mut Document, new_title: String) -> String {
    // course:solution Put `new_title` in and get the old title out in one step.
    mem::replace(&mut document.title, new_title)
    // course:end
}

/// Exchanges the page lists of two documents; the titles stay where they are.
fn swap_pages(first: &mut Document, second: &mut Document) {
    // course:solution Swap the two `pages` fields through the two exclusive borrows.
    mem::swap(&mut first.pages, &mut second.pages);
    // course:end
}

/// Hands the document waiting in `slot` to the printer, leaving the slot empty.
fn hand_to_printer(slot: &mut Option<Document>) -> Option<Document> {
    // course:solution Move the value out of the Option and leave `None` behind.
    slot.take()
    // course:end
}

/// Appends every page of `appendix` to `main`, consuming the appendix, and returns the result.
fn append(mut main: Document, appendix: Document) -> Document {
    // course:solution Move the appendix pages (not copies of them) onto the end of `main`.
    main.pages.extend(appendix.pages);
    main
    // course:end
}

/// Returns the title of the document with the most pages, borrowing instead of moving.
/// On a tie the first such document wins; an empty queue has no such title.
fn thickest_title(queue: &[Document]) -> Option<&str> {
    // course:solution Borrow the queue and return a `&str` that points into it.
    let mut best: Option<&Document> = None;
    for document in queue {
        if best.is_none_or(|b| document.pages.len() > b.pages.len()) {
            best = Some(document);
        }
    }
    best.map(|document| document.title.as_str())
    // course:end
}

fn main() {
    let mut report = Document::new("Quarterly report", &["Summary", "Figures"]);
    let old_title = rename(&mut report, String::from("Q3 report"));
    println!("renamed {old_title:?} to {:?}", report.title);

    let mut memo = Document::new("Memo", &["Lunch is moved to noon"]);
    swap_pages(&mut report, &mut memo);
    println!("after the swap the memo has {} pages", memo.pages.len());

    let mut slot = Some(append(memo, Document::new("Appendix", &["Sources"])));
    let queue = [Document::new("Flyer", &["Sale"]), report];
    println!("thickest document: {:?}", thickest_title(&queue));

    let printed = hand_to_printer(&mut slot).expect("the slot was filled just above");
    println!("slot is now empty: {}", slot.is_none());
    let mut printed = printed;
    let pages = take_pages(&mut printed);
    println!(
        "printing {} pages of {:?}",
        pages.len(),
        into_title(printed)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn into_title_moves_the_title_buffer() {
        let document = Document::new("Manual", &["one"]);
        let buffer = document.title.as_ptr();
        let title = into_title(document);
        assert_eq!(title, "Manual");
        assert_eq!(title.as_ptr(), buffer, "the title was copied, not moved");
    }

    #[test]
    fn take_pages_leaves_an_empty_document() {
        let mut document = Document::new("Manual", &["one", "two"]);
        let buffer = document.pages.as_ptr();
        let pages = take_pages(&mut document);
        assert_eq!(pages, ["one", "two"]);
        assert_eq!(pages.as_ptr(), buffer, "the pages were copied, not moved");
        assert!(document.pages.is_empty());
        assert_eq!(document.title, "Manual");
    }

    #[test]
    fn take_pages_of_an_empty_document_is_empty() {
        let mut document = Document::new("Blank", &[]);
        assert!(take_pages(&mut document).is_empty());
    }

    #[test]
    fn rename_returns_the_old_title() {
        let mut document = Document::new("Draft", &[]);
        let new_title = String::from("Final");
        let buffer = new_title.as_ptr();
        assert_eq!(rename(&mut document, new_title), "Draft");
        assert_eq!(document.title, "Final");
        assert_eq!(
            document.title.as_ptr(),
            buffer,
            "the new title was copied, not moved"
        );
    }

    #[test]
    fn swap_pages_keeps_titles_in_place() {
        let mut first = Document::new("A", &["a1", "a2"]);
        let mut second = Document::new("B", &["b1"]);
        let (first_buffer, second_buffer) = (first.pages.as_ptr(), second.pages.as_ptr());
        swap_pages(&mut first, &mut second);
        assert_eq!(first, Document::new("A", &["b1"]));
        assert_eq!(second, Document::new("B", &["a1", "a2"]));
        assert_eq!(
            (first.pages.as_ptr(), second.pages.as_ptr()),
            (second_buffer, first_buffer),
            "the page lists were copied, not swapped"
        );
    }

    #[test]
    fn hand_to_printer_empties_the_slot() {
        let mut slot = Some(Document::new("Poster", &["big"]));
        let buffer = slot.as_ref().map(|document| document.title.as_ptr());
        let handed = hand_to_printer(&mut slot);
        assert_eq!(handed, Some(Document::new("Poster", &["big"])));
        assert_eq!(slot, None);
        assert_eq!(
            handed.map(|document| document.title.as_ptr()),
            buffer,
            "the document was copied, not moved"
        );
    }

    #[test]
    fn hand_to_printer_on_an_empty_slot_gives_nothing() {
        let mut slot: Option<Document> = None;
        assert_eq!(hand_to_printer(&mut slot), None);
        assert_eq!(slot, None);
    }

    #[test]
    fn append_moves_pages_in_order() {
        let appendix = Document::new("Appendix", &["x", "y"]);
        let moved_page = appendix.pages[0].as_ptr();
        let joined = append(Document::new("Book", &["intro"]), appendix);
        assert_eq!(joined, Document::new("Book", &["intro", "x", "y"]));
        assert_eq!(
            joined.pages[1].as_ptr(),
            moved_page,
            "the page text was copied, not moved"
        );
    }

    #[test]
    fn thickest_title_prefers_the_first_on_a_tie() {
        let queue = [
            Document::new("short", &["1"]),
            Document::new("long", &["1", "2"]),
            Document::new("also long", &["1", "2"]),
        ];
        let title = thickest_title(&queue);
        assert_eq!(title, Some("long"));
        assert_eq!(
            title.map(str::as_ptr),
            Some(queue[1].title.as_ptr()),
            "the title must be a borrow of the queue, not a copy"
        );
        // The queue was only borrowed, so it is still usable here.
        assert_eq!(queue.len(), 3);
    }

    #[test]
    fn thickest_title_of_an_empty_queue_is_none() {
        assert_eq!(thickest_title(&[]), None);
    }
}
