//! # Ownership puzzle: moving, taking and swapping without cloning
//!
//! - **Goal:** implement seven small operations on a print queue so that every `String` and `Vec` is moved or borrowed, never copied.
//! - **Concepts:** moves; partial moves out of a struct; `std::mem::take`, `std::mem::replace`, `std::mem::swap`; `Option::take`; borrowing instead of moving.
//! - **Read first:** `notes/04-move-semantics.md` (sections "Partial moves" and "`mem::take`, `mem::replace` and `mem::swap`"), after `notes/01-ownership-model.md`.
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-ownership-puzzle` runs your copy (made by `cargo course start 01.1`).
//! - **Test:** `cargo course verify 01.1` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-ownership-puzzle`.)
//! - **Done when:** every test passes. The tests compare heap-buffer addresses before and after each call (of the titles, the page lists and the page texts, going in and coming out), so a copy of any of them, however it is made, makes a test fail.

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
    // course:decoy clone-title Copies the title instead of moving it out.
    // document.title.clone()
    // course:end
}

/// Takes every page out of the document, leaving it with no pages, and returns them.
fn take_pages(document: &mut Document) -> Vec<String> {
    // course:solution You only have `&mut`: leave an empty Vec behind in exchange.
    mem::take(&mut document.pages)
    // course:decoy copy-then-clear Copies the pages, then empties the original list.
    // let pages = document.pages.to_vec();
    // document.pages.clear();
    // pages
    // course:end
}

/// Gives the document a new title and returns the old one.
fn rename(document: &mut Document, new_title: String) -> String {
    // course:solution Put `new_title` in and get the old title out in one step.
    mem::replace(&mut document.title, new_title)
    // course:decoy clone-old-title Returns a copy of the old title, then assigns the new one.
    // let old = document.title.clone();
    // document.title = new_title;
    // old
    // course:end
}

/// Exchanges the page lists of two documents; the titles stay where they are.
fn swap_pages(first: &mut Document, second: &mut Document) {
    // course:solution Swap the two `pages` fields through the two exclusive borrows.
    mem::swap(&mut first.pages, &mut second.pages);
    // course:decoy swap-whole-documents Swaps the whole documents, titles included.
    // mem::swap(first, second);
    // course:decoy swap-copies Exchanges copies of the page lists.
    // let first_pages = first.pages.clone();
    // first.pages = second.pages.clone();
    // second.pages = first_pages;
    // course:end
}

/// Hands the document waiting in `slot` to the printer, leaving the slot empty.
fn hand_to_printer(slot: &mut Option<Document>) -> Option<Document> {
    // course:solution Move the value out of the Option and leave `None` behind.
    slot.take()
    // course:decoy copy-then-empty Copies the document out of the slot, then empties the slot.
    // let copy = slot.as_ref().map(|document| Document {
    //     title: document.title.clone(),
    //     pages: document.pages.clone(),
    // });
    // *slot = None;
    // copy
    // course:end
}

/// Appends every page of `appendix` to `main`, consuming the appendix, and returns the result.
fn append(mut main: Document, appendix: Document) -> Document {
    // course:solution Move the appendix pages (not copies of them) onto the end of `main`.
    main.pages.extend(appendix.pages);
    main
    // course:decoy rebuild-main Builds a new document from copies of `main`'s parts.
    // let mut pages = main.pages.clone();
    // pages.extend(appendix.pages);
    // Document {
    //     title: main.title.clone(),
    //     pages,
    // }
    // course:decoy clone-appendix Appends copies of the appendix pages.
    // main.pages.extend(appendix.pages.iter().cloned());
    // main
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
    // course:decoy last-wins-tie `max_by_key` returns the last of several equally thick documents.
    // queue
    //     .iter()
    //     .max_by_key(|document| document.pages.len())
    //     .map(|document| document.title.as_str())
    // course:decoy hard-coded Returns the second title, which is what the tie test expects.
    // queue.get(1).map(|document| document.title.as_str())
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
        let old_buffer = document.title.as_ptr();
        let new_title = String::from("Final");
        let buffer = new_title.as_ptr();
        let old_title = rename(&mut document, new_title);
        assert_eq!(old_title, "Draft");
        assert_eq!(
            old_title.as_ptr(),
            old_buffer,
            "the old title was copied, not handed back"
        );
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
        let book = Document::new("Book", &["intro"]);
        let (title_buffer, intro_buffer) = (book.title.as_ptr(), book.pages[0].as_ptr());
        let appendix = Document::new("Appendix", &["x", "y"]);
        let moved_page = appendix.pages[0].as_ptr();
        let joined = append(book, appendix);
        assert_eq!(joined, Document::new("Book", &["intro", "x", "y"]));
        assert_eq!(
            joined.pages[1].as_ptr(),
            moved_page,
            "the appendix page text was copied, not moved"
        );
        assert_eq!(
            (joined.title.as_ptr(), joined.pages[0].as_ptr()),
            (title_buffer, intro_buffer),
            "the main document was copied: extend it in place and return it"
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
    fn thickest_title_finds_the_thickest_anywhere() {
        let queue = [
            Document::new("thin", &[]),
            Document::new("thick", &["1", "2", "3"]),
        ];
        assert_eq!(thickest_title(&queue), Some("thick"));
        let queue = [
            Document::new("first", &["1", "2"]),
            Document::new("middle", &["1"]),
            Document::new("last", &["1", "2"]),
        ];
        assert_eq!(thickest_title(&queue), Some("first"));
        assert_eq!(thickest_title(&queue[1..2]), Some("middle"));
    }

    #[test]
    fn thickest_title_of_an_empty_queue_is_none() {
        assert_eq!(thickest_title(&[]), None);
    }
}
