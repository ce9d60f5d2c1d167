package seed

import (
	"context"

	"go.mongodb.org/mongo-driver/mongo"

	"gridskill"
	"gridskill/people"
	"gridskill/practical"
)

// Demo checklists' ids.
const (
	EightTasksID = "pc-eight-tasks"
	FirstMonthID = "pc-first-month"
)

// DemoChecklists are the demo district's practical checklists: the 八个一 of
// a shadowing day (今天我当网格员), in its four roles, and a new worker's
// first month. Each is written as a trainer types it.
func DemoChecklists() map[string]practical.ChecklistInput {
	must := func(text string) []practical.ItemInput {
		items, err := practical.ParseItems(text)
		if err != nil {
			panic(err)
		}
		return items
	}
	return map[string]practical.ChecklistInput{
		EightTasksID: {Title: "“八个一”任务清单", Hours: 8,
			Summary: "跟岗一天，跟着网格员完成八项任务：化身安全卫士、民情侦探、宣传先锋、民意捕手。每项拍照或记录，提交后由带教网格员审核。",
			Items: must(`安全卫士 | 巡查1个网格，记录发现的风险隐患 | photo,note,place | 1
安全卫士 | 查看1处“三合一”场所或隐患点的整改情况 | photo,note | 1
民情侦探 | 走访1户重点人群（独居老人、困难家庭等） | note,date | 1
民情侦探 | 在“掌上治理”中录入1次信息 | note | 1
宣传先锋 | 向沿街商铺或居民开展1次反诈宣传 | photo,count | 1
宣传先锋 | 宣讲1项惠民政策 | note | 1
民意捕手 | 收集1条居民意见或诉求 | note | 1
民意捕手 | 围绕一个痛点难点做1次微型调研 | note | 1`)},
		FirstMonthID: {Title: "新网格员第一个月", Hours: 16,
			Summary: "上岗第一个月的必做事项，由网格长或社区带教审核。",
			Items: must(`第一周 | 走遍网格，画出网格内的楼栋、商铺和重点场所 | photo,note | 1
第一周 | 认识楼栋长、物业和志愿者，记下联系人 | count | 5
第二周 | 入户走访并核对人口信息 | count,note | 20
第二周 | 完成信息采集并录入系统 | count | 30
第三周 | 安全隐患巡查，拍照记录 | photo,count | 10
第三周 | 在网格长带领下参与1次矛盾纠纷调解 | note,date | 1
第四周 | 开展1次反诈或防范非法集资宣传 | photo,place | 1
第四周 | 写一份第一个月的工作小结 | note | 1`)},
	}
}

// LoadDemoChecklists stores the demo checklists, owned by the district.
// Running it again changes nothing.
func LoadDemoChecklists(ctx context.Context, db *mongo.Database, ps *people.Service, clock gridskill.Clock) error {
	svc := practical.NewService(db, ps, nil, clock)
	unit := []string{DistrictID}
	for _, id := range []string{EightTasksID, FirstMonthID} {
		c := practical.Checklist{ID: id, UnitID: DistrictID, UnitPath: unit, CreatedBy: TrainerID}
		if err := svc.SeedChecklist(ctx, c, DemoChecklists()[id]); err != nil {
			return err
		}
	}
	return nil
}
