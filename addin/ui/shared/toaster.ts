/** The pane's single Toaster (rendered by App); screens dispatch "Inserted …" notices to it. */
export const TOASTER_ID = 'tableau-pane-toaster';
