package msgraph

import (
	"errors"
	"net/http"
	"testing"
)

// TestSandboxMailboxSettingsAndCategories reads and changes a mailbox's
// settings (time zone, working hours, language, automatic replies) and its
// master list of categories.
func TestSandboxMailboxSettingsAndCategories(t *testing.T) {
	c, _, _ := onSandbox(t, "MailboxSettings.ReadWrite", "User.Read")
	ctx := t.Context()
	ms, _, err := c.Mail.GetMailboxSettings(ctx, "me")
	if err != nil || ms.TimeZone == "" || ms.AutomaticRepliesSetting.Status != "disabled" || len(ms.WorkingHours.DaysOfWeek) != 5 || ms.Language.Locale != "en-US" {
		t.Fatalf("GetMailboxSettings: %+v %v", ms, err)
	}
	upd := &MailboxSettings{TimeZone: "W. Europe Standard Time"}
	upd.Language.Locale = "fr-FR"
	got, _, err := c.Mail.UpdateMailboxSettings(ctx, "me", upd)
	if err != nil || got.TimeZone != "W. Europe Standard Time" || got.Language.Locale != "fr-FR" || got.DateFormat != "" {
		t.Fatalf("UpdateMailboxSettings (only the changed properties come back): %+v %v", got, err)
	}
	if _, _, err := c.Mail.SetAutomaticReplies(ctx, "me", AutomaticRepliesSetting{Status: "alwaysEnabled", InternalReplyMessage: "Away"}); err != nil {
		t.Fatal(err)
	}
	ms, _, err = c.Mail.GetMailboxSettings(ctx, "me")
	if err != nil || ms.TimeZone != "W. Europe Standard Time" || ms.AutomaticRepliesSetting.Status != "alwaysEnabled" ||
		ms.AutomaticRepliesSetting.InternalReplyMessage != "Away" || ms.AutomaticRepliesSetting.ExternalAudience != "all" {
		t.Fatalf("settings after the changes: %+v %v", ms, err)
	}
	wh, _, err := c.Mail.GetWorkingHours(ctx, "me")
	if err != nil || wh.StartTime != "08:00:00.0000000" || wh.TimeZone.Name == "" {
		t.Fatalf("GetWorkingHours: %+v %v", wh, err)
	}
	var ge *Error
	if _, _, err := c.Mail.UpdateMailboxSettings(ctx, "me", &MailboxSettings{WorkingHours: WorkingHours{DaysOfWeek: []string{"someday"}}}); !errors.As(err, &ge) || ge.StatusCode != http.StatusBadRequest {
		t.Fatalf("a bad day of the week: %v", err)
	}

	cats, _, err := c.Mail.ListCategories(ctx, "me", nil)
	if err != nil || len(cats) != 6 || cats[0].DisplayName != "Red category" || cats[0].Color != "preset0" {
		t.Fatalf("ListCategories: %+v %v", cats, err)
	}
	cat, _, err := c.Mail.CreateCategory(ctx, "me", "Project Falcon", "preset9")
	if err != nil || cat.ID == "" || cat.Color != "preset9" {
		t.Fatalf("CreateCategory: %+v %v", cat, err)
	}
	if _, _, err := c.Mail.CreateCategory(ctx, "me", "project falcon", "preset2"); !errors.As(err, &ge) || ge.StatusCode != http.StatusConflict {
		t.Fatalf("a taken name: %v", err)
	}
	if _, _, err := c.Mail.CreateCategory(ctx, "me", "Bad colour", "preset99"); !errors.As(err, &ge) || ge.StatusCode != http.StatusBadRequest {
		t.Fatalf("a colour that is no preset: %v", err)
	}
	if up, _, err := c.Mail.SetCategoryColor(ctx, "me", cat.ID, "preset12"); err != nil || up.Color != "preset12" || up.DisplayName != "Project Falcon" {
		t.Fatalf("SetCategoryColor: %+v %v", up, err)
	}
	if one, _, err := c.Mail.GetCategory(ctx, "me", cat.ID); err != nil || one.Color != "preset12" {
		t.Fatalf("GetCategory: %+v %v", one, err)
	}
	if _, err := c.Mail.DeleteCategory(ctx, "me", cat.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Mail.GetCategory(ctx, "me", cat.ID); !IsNotFound(err) {
		t.Fatalf("deleted category: %v", err)
	}
}
