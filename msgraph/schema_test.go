package msgraph

import (
	"reflect"
	"testing"

	"github.com/authsome-go/authsome/internal/graphschema"
)

// TestStructsMatchSchema checks every Graph type of the package against
// Microsoft's Graph v1.0 schema: each json name must be a property of the
// Graph type (or its base types), nested values of the property's type.
func TestStructsMatchSchema(t *testing.T) {
	s := graphschema.ForTest(t)
	for _, tc := range []struct {
		graphType string
		v         any
	}{
		{"user", User{}},
		{"message", Message{}},
		{"message", MessageUpdate{}},
		{"eventMessageRequest", EventMessage{}},
		{"mailFolder", MailFolder{}},
		{"attachment", Attachment{}},
		{"followupFlag", FollowupFlag{}},
		{"event", Event{}},
		{"event", EventUpdate{}},
		{"calendar", Calendar{}},
		{"attendee", Attendee{}},
		{"location", Location{}},
		{"patternedRecurrence", Recurrence{}},
		{"scheduleInformation", ScheduleInformation{}},
		{"scheduleItem", ScheduleItem{}},
		{"onlineMeetingInfo", OnlineMeetingInfo{}},
		{"publicError", ErrorDetail{}},
		{"contact", Contact{}},
		{"contact", ContactUpdate{}},
		{"contactFolder", ContactFolder{}},
		{"drive", Drive{}},
		{"driveItem", DriveItem{}},
		{"driveItem", DriveItemUpdate{}},
		{"itemReference", ItemReference{}},
		{"driveItemVersion", DriveItemVersion{}},
		{"thumbnailSet", ThumbnailSet{}},
		{"thumbnail", Thumbnail{}},
		{"uploadSession", UploadSession{}},
		{"permission", Permission{}},
		{"group", Group{}},
		{"directoryObject", DirectoryObject{}},
		{"subscription", Subscription{}},
		{"changeNotification", ChangeNotification{}},
		{"todoTaskList", TodoTaskList{}},
		{"todoTask", TodoTask{}},
		{"todoTask", TodoTaskUpdate{}},
		{"checklistItem", ChecklistItem{}},
		{"outlookCategory", OutlookCategory{}},
		{"mailboxSettings", MailboxSettings{}},
		{"plannerPlan", PlannerPlan{}},
		{"plannerBucket", PlannerBucket{}},
		{"plannerTask", PlannerTask{}},
		{"plannerTask", PlannerTaskUpdate{}},
		{"plannerTaskDetails", PlannerTaskDetails{}},
		{"plannerTaskDetails", PlannerTaskDetailsUpdate{}},
		{"plannerChecklistItem", PlannerChecklistItem{}},
		{"plannerExternalReference", PlannerReference{}},
		{"plannerPlan", PlannerPlanUpdate{}},
		{"plannerPlanDetails", PlannerPlanDetails{}},
		{"plannerPlanDetails", PlannerPlanDetailsUpdate{}},
		{"plannerBucket", PlannerBucketUpdate{}},
		{"team", Team{}},
		{"channel", Channel{}},
		{"chat", Chat{}},
		{"chatMessage", ChatMessage{}},
		{"aadUserConversationMember", ConversationMember{}},
		{"chatMessageHostedContent", ChatMessageHostedContent{}},
		{"presence", Presence{}},
		{"teamsAppInstallation", TeamsAppInstallation{}},
		{"teamsAppDefinition", TeamsAppDefinition{}},
		{"workbookSessionInfo", WorkbookSessionInfo{}},
		{"workbookWorksheet", WorkbookWorksheet{}},
		{"workbookWorksheet", WorkbookWorksheetUpdate{}},
		{"workbookRange", WorkbookRange{}},
		{"workbookRange", WorkbookRangeUpdate{}},
		{"workbookRangeFormat", WorkbookRangeFormat{}},
		{"workbookRangeFont", WorkbookRangeFont{}},
		{"workbookRangeFill", WorkbookRangeFill{}},
		{"workbookRangeBorder", WorkbookRangeBorder{}},
		{"workbookTable", WorkbookTable{}},
		{"workbookTable", WorkbookTableUpdate{}},
		{"workbookTableRow", WorkbookTableRow{}},
		{"workbookTableColumn", WorkbookTableColumn{}},
		{"workbookNamedItem", WorkbookNamedItem{}},
		{"workbookApplication", WorkbookApplication{}},
		{"workbookFunctionResult", WorkbookFunctionResult{}},
		{"site", Site{}},
		{"list", SiteList{}},
		{"listItem", SiteListItem{}},
		{"columnDefinition", ColumnDefinition{}},
	} {
		for _, p := range s.CheckStruct(tc.graphType, reflect.TypeOf(tc.v)) {
			t.Errorf("%T as %s: %s", tc.v, tc.graphType, p)
		}
	}
}
