//! Badges and printing: a person's badge as PDF, the print queue (each
//! badge once, whatever kills the kiosk), the organisers' pre-print.

use super::*;

impl Kiosk {
    /// What a registrant's badge says, and its QR content.
    pub fn badge_of(&self, r: &Registrant) -> Badge {
        let event = &self.config.event;
        let category = event.category(&r.category);
        Badge {
            text: BadgeText {
                event: event.name.clone(),
                first_name: r.first_name.clone(),
                last_name: r.last_name.clone(),
                organisation: r.organisation.clone(),
                category: category.map_or_else(|| r.category.clone(), |c| c.name.clone()),
                category_colour: category
                    .map_or_else(|| "#555555".to_owned(), |c| c.colour.clone()),
                qr_modules: 0,
            },
            qr_content: self
                .config
                .badge
                .qr
                .replace("{code}", &r.code)
                .replace("{uid}", &r.uid.to_string()),
        }
    }

    /// The configured logo, read and decoded once. A file that cannot be
    /// read is not remembered: fixed, it is picked up on the next badge.
    fn logo(&self) -> Result<Option<&Logo>> {
        let Some(path) = &self.config.badge.logo else {
            return Ok(None);
        };
        if let Some(logo) = self.logo.get() {
            return Ok(Some(logo));
        }
        let bytes = std::fs::read(path).map_err(|source| AppError::LogoFile {
            path: path.clone(),
            source,
        })?;
        let logo = Logo::decode(&bytes)?;
        Ok(Some(self.logo.get_or_init(|| logo)))
    }

    /// Draws badges with the configured elements and logo; `monochrome`
    /// for a printer without colour.
    fn render(
        &self,
        badges: &[Badge],
        format: Format,
        title: &str,
        monochrome: bool,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<u8>> {
        let style = Style {
            format,
            elements: self.config.badge.elements,
            logo: self.logo()?,
            title,
            monochrome,
        };
        Ok(badge::render(badges, &style, progress)?)
    }

    /// One person's badge as PDF, in the configured format (or `format`).
    pub fn badge_pdf(
        &self,
        lookup: &Lookup,
        format: Option<Format>,
    ) -> Result<(Registrant, Vec<u8>)> {
        let r = self
            .store
            .registrant(lookup)?
            .ok_or_else(|| AppError::NotFound(lookup.to_string()))?;
        let pdf = self.render_badge(&r, format.unwrap_or(self.config.badge.format))?;
        Ok((r, pdf))
    }

    fn render_badge(&self, r: &Registrant, format: Format) -> Result<Vec<u8>> {
        let title = format!("Badge — {}", r.display_name());
        self.render(&[self.badge_of(r)], format, &title, false, &mut |_| {})
    }

    /// Prints a person's badge: the job is queued durably first, then handed
    /// to the printer; it survives the printer being off or the app
    /// restarting, and is retried by [`Kiosk::process_print_queue`]. The
    /// badge counts as printed (a `badge_printed` record) only once the
    /// printer has accepted it. At a self-service kiosk
    /// (`self_service`), reprints are capped by kiosk.toml.
    pub fn print_badge(
        &mut self,
        lookup: &Lookup,
        reason: Option<&str>,
        self_service: bool,
    ) -> Result<Printed> {
        let queued = self.queue_badge(lookup, reason, self_service)?;
        self.process_print_queue()?;
        let job = self
            .store
            .print_job(queued.job.id)?
            .ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))?;
        Ok(Printed { job, ..queued })
    }

    /// Renders a person's badge and puts it in the print queue, without
    /// sending it: the kiosk's UI thread does this, and a background thread
    /// runs [`Kiosk::process_print_queue`], so a slow or absent printer never
    /// freezes the screen.
    pub fn queue_badge(
        &mut self,
        lookup: &Lookup,
        reason: Option<&str>,
        self_service: bool,
    ) -> Result<Printed> {
        let r = self
            .store
            .registrant(lookup)?
            .ok_or_else(|| AppError::NotFound(lookup.to_string()))?;
        let printed_before = self.store.badges_printed(r.uid)?;
        if self_service && printed_before > i64::from(self.config.printer.self_service_reprints) {
            return Err(AppError::ReprintLimit {
                name: r.display_name(),
                printed: printed_before,
            });
        }
        let format = self.config.badge.format;
        let pdf = self.render_badge(&r, format)?;
        let (w, h) = format.page_size();
        let reason = match (reason, printed_before) {
            (Some(text), _) => text.to_owned(),
            (None, 0) => "badge".to_owned(),
            (None, _) => "réimpression".to_owned(),
        };
        let id = self.store.enqueue_print(
            &NewJob {
                registrant: r.uid,
                reason: &reason,
                printer: &self.config.printer.printer.describe(),
                // Shown in the desk's queue; the printer sees only the
                // job's own name, never a ticket code or a person's name.
                title: &format!("Badge {}", r.display_name()),
                job_name: &format!(
                    "badge-{}-{}",
                    self.config.kiosk.id,
                    &uuid::Uuid::now_v7().simple().to_string()[20..]
                ),
                media: &print::media_name(w, h),
                pdf: &pdf,
            },
            self.now(),
        )?;
        let job = self
            .store
            .print_job(id)?
            .ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))?;
        Ok(Printed {
            registrant: r,
            job,
            printed_before,
        })
    }

    /// At a badge station (admission is done elsewhere): someone who may
    /// come in today gets their badge — the first, or a reprint within
    /// `[printer] self_service_reprints`, logged as made at the station;
    /// their arrival is recorded too with `[kiosk] station_arrival`.
    /// `None` beside a refusal (unknown, cancelled, not today…).
    pub fn station_badge(
        &mut self,
        lookup: &Lookup,
        day: Option<DaySpec>,
    ) -> Result<(CheckIn, Option<Result<Printed>>)> {
        let c = self.admit(lookup, day, self.config.kiosk.station_arrival)?;
        let printed = match (&c.outcome, &c.registrant) {
            (Outcome::Welcome | Outcome::AlreadyIn, Some(r)) => {
                // Badges printed anywhere, and those still on their way
                // here: two scans in a row are not two badges.
                let given = self.store.badges_printed(r.uid)? + self.store.badges_pending(r.uid)?;
                let cap = i64::from(self.config.printer.self_service_reprints);
                Some(if given > cap {
                    Err(AppError::ReprintLimit {
                        name: r.display_name(),
                        printed: given,
                    })
                } else {
                    let reason = (given > 0).then_some("réimpression au poste badges");
                    self.queue_badge(&Lookup::Uid(r.uid), reason, true)
                })
            }
            _ => None,
        };
        Ok((c, printed))
    }

    /// A person's live arrival on a day, if any.
    pub fn arrival_on(&self, registrant: uuid::Uuid, day: Date) -> Result<Option<Arrival>> {
        Ok(self
            .store
            .live_arrivals(registrant)?
            .into_iter()
            .find(|a| a.day == day))
    }

    /// Checks a person in and, when they are welcome, prints their badge:
    /// the reception desk's whole gesture. A printing problem never undoes
    /// the arrival, which is already durable: it is reported beside it.
    pub fn check_in_and_print(
        &mut self,
        lookup: &Lookup,
        day: Option<DaySpec>,
    ) -> Result<(CheckIn, Option<Result<Printed>>)> {
        let c = self.check_in(lookup, day)?;
        let printed = match (&c.outcome, &c.registrant) {
            (Outcome::Welcome, Some(r)) => Some(self.print_badge(&Lookup::Uid(r.uid), None, false)),
            _ => None,
        };
        Ok((c, printed))
    }

    /// One pass over the print queue: sends what waits (oldest first,
    /// stopping at the first sign that the printer is away), then asks the
    /// printer where sent jobs stand. The kiosk runs it in the background; the
    /// CLI on `print` and `print --status`.
    pub fn process_print_queue(&mut self) -> Result<()> {
        let printer = self.config.printer.printer.clone();
        let kiosk = self.config.kiosk.id.clone();
        for job in self.store.queued_prints()? {
            // Handed over just before the process stopped? Then the printer
            // holds it: follow that job rather than print it twice.
            let held = if job.submitting {
                match printer.find(&job.job_name) {
                    Ok(held) => held,
                    Err(e) => {
                        self.store.mark_print_attempt_failed(
                            job.id,
                            &e.to_string(),
                            false,
                            self.now(),
                        )?;
                        break;
                    }
                }
            } else {
                None
            };
            let sent = match held {
                Some(accepted) => Ok(accepted),
                None => {
                    let capabilities = self.queue_capabilities(&printer);
                    let size = print::pwg_size(&job.media);
                    if let (Some(c), Some((w, h))) = (&capabilities, size)
                        && !c.fits(w, h)
                    {
                        // Sent, it would come out cut or shrunk and be
                        // logged as printed: failed, with what would fit.
                        let why = self.wont_fit(c, w, h);
                        self.store
                            .mark_print_attempt_failed(job.id, &why, true, self.now())?;
                        continue;
                    }
                    let pdf = match capabilities {
                        Some(c) if c.colour == Some(false) => {
                            self.in_black(&job).unwrap_or(job.pdf)
                        }
                        _ => job.pdf,
                    };
                    self.store.mark_print_submitting(job.id, self.now())?;
                    printer.submit(&pdf, &job.job_name, &job.media)
                }
            };
            match sent {
                Ok(accepted) => {
                    self.store.mark_print_accepted(
                        job.id,
                        &accepted.job,
                        accepted.finished,
                        &kiosk,
                        self.now(),
                    )?;
                }
                // This job never will print (too large, a broken PDF…): it
                // is failed, with why, and the jobs after it go on.
                Err(e) if !e.is_transient() => {
                    self.store.mark_print_attempt_failed(
                        job.id,
                        &e.to_string(),
                        true,
                        self.now(),
                    )?;
                }
                // The printer is away: every job would wait the same.
                Err(e) => {
                    self.store.mark_print_attempt_failed(
                        job.id,
                        &e.to_string(),
                        false,
                        self.now(),
                    )?;
                    break;
                }
            }
        }
        for (id, printer_job) in self.store.sent_prints()? {
            let (state, note) = match printer.job_state(&printer_job) {
                Ok(JobState::Done) => (PrintState::Done, None),
                Ok(JobState::Failed(why)) => (PrintState::Failed, Some(why)),
                Ok(JobState::Waiting(why)) => (PrintState::Sent, Some(why)),
                Ok(JobState::Printing) => (PrintState::Sent, None),
                // The server is away: states stay as they were.
                Err(_) => break,
            };
            self.store
                .update_sent_print(id, state, note.as_deref(), self.now())?;
        }
        Ok(())
    }

    /// What the print queue can print, asked at most once a minute: a
    /// scan's badge does not wait for the question. `None`: a folder, or a
    /// queue that could not be asked (the submission will say why).
    fn queue_capabilities(&mut self, printer: &print::Printer) -> Option<print::Capabilities> {
        const FRESH: std::time::Duration = std::time::Duration::from_secs(60);
        if let Some((at, c)) = &self.queue_capabilities
            && at.elapsed() < FRESH
        {
            return Some(c.clone());
        }
        let c = printer.capabilities().ok().flatten()?;
        self.queue_capabilities = Some((std::time::Instant::now(), c.clone()));
        Some(c)
    }

    /// Why a badge of `w` × `h` mm is not sent to this queue, and the
    /// formats that would print whole.
    pub(super) fn wont_fit(&self, c: &print::Capabilities, w: f32, h: f32) -> String {
        let fitting: Vec<&str> = Format::ALL
            .into_iter()
            .filter(|f| {
                let (fw, fh) = f.page_size();
                c.fits(fw, fh)
            })
            .map(Format::name)
            .collect();
        let widest = c
            .widest_mm()
            .map(|mm| format!(" (elle imprime au plus {} mm de large)", mm_text(mm)))
            .unwrap_or_default();
        let advice = if fitting.is_empty() {
            "aucun format d'accueil ne lui va — vérifiez [printer] name dans kiosk.toml".to_owned()
        } else {
            format!(
                "choisissez dans kiosk.toml [badge] size un format qui lui va : {}",
                fitting.join(", ")
            )
        };
        format!(
            "l'{} ne peut pas imprimer un badge de {} × {} mm sans le couper ou le réduire{widest} — rien n'a été envoyé ; {advice}",
            self.config.printer.printer.describe(),
            mm_text(w),
            mm_text(h),
        )
    }

    /// A queued badge drawn again in black only (the queue has no colour),
    /// in the format it was queued in; `None` when that cannot be done, and
    /// the badge goes as it was.
    fn in_black(&self, job: &crate::store::QueuedPrint) -> Option<Vec<u8>> {
        let format = Format::ALL.into_iter().find(|f| {
            let (w, h) = f.page_size();
            print::media_name(w, h) == job.media
        })?;
        let r = self.store.registrant(&Lookup::Uid(job.registrant)).ok()??;
        self.render(&[self.badge_of(&r)], format, &job.title, true, &mut |_| {})
            .ok()
    }

    /// How the printer stands, from the print queue alone (no question to
    /// the printer): what waits, what failed lately, and what holds it.
    pub fn printer_health(&self) -> Result<crate::protocol::PrinterHealth> {
        let hour_ago = self
            .now()
            .checked_sub(jiff::SignedDuration::from_secs(3600))
            .unwrap_or(self.now());
        let counts = self.store.queue_counts(hour_ago)?;
        Ok(crate::protocol::PrinterHealth {
            printer: self.config.printer.printer.describe(),
            queued: counts.queued,
            waiting: counts.sent,
            failed: counts.failed,
            problem: counts.problem,
        })
    }

    /// The latest print jobs, newest first, after a pass over the queue.
    pub fn print_status(&mut self, limit: usize) -> Result<Vec<JobView>> {
        self.process_print_queue()?;
        Ok(self.store.print_jobs(limit)?)
    }

    /// Everyone's badges (not cancelled), sorted by last name, for organisers
    /// who pre-print; `progress(done, total)`.
    pub fn badges_pdf(
        &self,
        category: Option<&str>,
        format: Option<Format>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<(usize, Vec<u8>)> {
        // The configured spelling of the category ("presse" → "Presse").
        let category = category.map(|c| {
            self.config
                .event
                .category(c)
                .map_or_else(|| c.to_owned(), |c| c.name.clone())
        });
        let people = self.store.badge_holders(category.as_deref())?;
        if people.is_empty() {
            return Err(AppError::NoBadges(category));
        }
        let badges: Vec<Badge> = people.iter().map(|r| self.badge_of(r)).collect();
        let total = badges.len();
        let pdf = self.render(
            &badges,
            format.unwrap_or(self.config.badge.format),
            &format!("Badges — {}", self.config.event.name),
            false,
            &mut |done| progress(done, total),
        )?;
        Ok((total, pdf))
    }
}

/// « 62 », « 101,6 »: millimetres as staff read them.
pub(super) fn mm_text(mm: f32) -> String {
    let text = format!("{mm:.1}");
    text.trim_end_matches(".0").replace('.', ",")
}
