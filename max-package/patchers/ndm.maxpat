{
	"patcher": {
		"fileversion": 1,
		"appversion": {
			"major": 8,
			"minor": 6,
			"revision": 0,
			"architecture": "x64",
			"modernui": 1
		},
		"classnamespace": "box",
		"rect": [
			80,
			80,
			1000,
			700
		],
		"gridsize": [
			15.0,
			15.0
		],
		"default_fontsize": 12.0,
		"default_fontname": "Arial",
		"openinpresentation": 1,
		"bgcolor": [
			0.17,
			0.17,
			0.19,
			1.0
		],
		"boxes": [
			{
				"box": {
					"id": "obj-1",
					"maxclass": "newobj",
					"numinlets": 3,
					"numoutlets": 3,
					"patching_rect": [
						40.0,
						560.0,
						100.0,
						22.0
					],
					"outlettype": [
						"",
						"",
						""
					],
					"text": "ndm~ ndm"
				}
			},
			{
				"box": {
					"id": "obj-2",
					"maxclass": "pictslider",
					"numinlets": 2,
					"numoutlets": 2,
					"patching_rect": [
						40.0,
						60.0,
						200.0,
						200.0
					],
					"outlettype": [
						"int",
						"int"
					],
					"presentation": 1,
					"presentation_rect": [
						20.0,
						50.0,
						220.0,
						220.0
					],
					"leftvalue": 0,
					"rightvalue": 1000,
					"topvalue": 1000,
					"bottomvalue": 0,
					"parameter_enable": 0
				}
			},
			{
				"box": {
					"id": "obj-3",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						40.0,
						270.0,
						58.0,
						22.0
					],
					"outlettype": [
						"float"
					],
					"text": "/ 1000."
				}
			},
			{
				"box": {
					"id": "obj-4",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						110.0,
						270.0,
						58.0,
						22.0
					],
					"outlettype": [
						"float"
					],
					"text": "/ 1000."
				}
			},
			{
				"box": {
					"id": "obj-5",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						40.0,
						300.0,
						86.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "pak 0.5 0.5"
				}
			},
			{
				"box": {
					"id": "obj-6",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						40.0,
						30.0,
						100.0,
						20.0
					],
					"text": "P1 / P2",
					"presentation": 1,
					"presentation_rect": [
						20.0,
						28.0,
						100.0,
						20.0
					],
					"linecount": 1,
					"textcolor": [
						1,
						1,
						1,
						1
					]
				}
			},
			{
				"box": {
					"id": "obj-7",
					"maxclass": "dial",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						300.0,
						60.0,
						50.0,
						50.0
					],
					"outlettype": [
						"float"
					],
					"presentation": 1,
					"presentation_rect": [
						260.0,
						50.0,
						60.0,
						60.0
					],
					"size": 128
				}
			},
			{
				"box": {
					"id": "obj-8",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						300.0,
						120.0,
						51.0,
						22.0
					],
					"outlettype": [
						"float"
					],
					"text": "/ 127."
				}
			},
			{
				"box": {
					"id": "obj-9",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						300.0,
						150.0,
						93.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "prepend fine"
				}
			},
			{
				"box": {
					"id": "obj-10",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						360.0,
						70.0,
						80.0,
						20.0
					],
					"text": "fine (P3)",
					"presentation": 1,
					"presentation_rect": [
						260.0,
						112.0,
						80.0,
						20.0
					],
					"linecount": 1,
					"textcolor": [
						1,
						1,
						1,
						1
					]
				}
			},
			{
				"box": {
					"id": "obj-11",
					"maxclass": "umenu",
					"numinlets": 1,
					"numoutlets": 3,
					"patching_rect": [
						460.0,
						60.0,
						80.0,
						22.0
					],
					"outlettype": [
						"int",
						"",
						""
					],
					"presentation": 1,
					"presentation_rect": [
						260.0,
						160.0,
						80.0,
						22.0
					],
					"items": [
						"0.5",
						",",
						"1",
						",",
						"1.5",
						",",
						"2",
						",",
						"3"
					]
				}
			},
			{
				"box": {
					"id": "obj-12",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						460.0,
						90.0,
						100.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "prepend range"
				}
			},
			{
				"box": {
					"id": "obj-13",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						550.0,
						60.0,
						60.0,
						20.0
					],
					"text": "range",
					"presentation": 1,
					"presentation_rect": [
						345.0,
						160.0,
						60.0,
						20.0
					],
					"linecount": 1,
					"textcolor": [
						1,
						1,
						1,
						1
					]
				}
			},
			{
				"box": {
					"id": "obj-14",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						620.0,
						40.0,
						65.0,
						22.0
					],
					"outlettype": [
						"bang"
					],
					"text": "loadbang"
				}
			},
			{
				"box": {
					"id": "obj-15",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						620.0,
						70.0,
						41.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "dump"
				}
			},
			{
				"box": {
					"id": "obj-16",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"patching_rect": [
						770.0,
						70.0,
						100.0,
						22.0
					],
					"outlettype": [
						"",
						""
					],
					"text": "route classes"
				}
			},
			{
				"box": {
					"id": "obj-17",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						770.0,
						100.0,
						44.0,
						22.0
					],
					"outlettype": [
						"",
						"bang"
					],
					"text": "t l b"
				}
			},
			{
				"box": {
					"id": "obj-18",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						850.0,
						130.0,
						48.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "clear"
				}
			},
			{
				"box": {
					"id": "obj-19",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						770.0,
						130.0,
						37.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "iter"
				}
			},
			{
				"box": {
					"id": "obj-20",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						770.0,
						160.0,
						107.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "prepend append"
				}
			},
			{
				"box": {
					"id": "obj-21",
					"maxclass": "umenu",
					"numinlets": 1,
					"numoutlets": 3,
					"patching_rect": [
						620.0,
						190.0,
						120.0,
						22.0
					],
					"outlettype": [
						"int",
						"",
						""
					],
					"presentation": 1,
					"presentation_rect": [
						260.0,
						210.0,
						120.0,
						22.0
					],
					"items": [
						"kick"
					]
				}
			},
			{
				"box": {
					"id": "obj-22",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						750.0,
						190.0,
						60.0,
						20.0
					],
					"text": "class",
					"presentation": 1,
					"presentation_rect": [
						385.0,
						210.0,
						60.0,
						20.0
					],
					"linecount": 1,
					"textcolor": [
						1,
						1,
						1,
						1
					]
				}
			},
			{
				"box": {
					"id": "obj-23",
					"maxclass": "tab",
					"numinlets": 1,
					"numoutlets": 3,
					"patching_rect": [
						300.0,
						200.0,
						240.0,
						24.0
					],
					"outlettype": [
						"int",
						"",
						""
					],
					"presentation": 1,
					"presentation_rect": [
						20.0,
						285.0,
						300.0,
						24.0
					],
					"tabs": [
						"pca",
						"random",
						"explicit"
					]
				}
			},
			{
				"box": {
					"id": "obj-24",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 4,
					"patching_rect": [
						300.0,
						235.0,
						72.0,
						22.0
					],
					"outlettype": [
						"bang",
						"bang",
						"bang",
						""
					],
					"text": "sel 0 1 2"
				}
			},
			{
				"box": {
					"id": "obj-25",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						300.0,
						265.0,
						69.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "axes pca"
				}
			},
			{
				"box": {
					"id": "obj-26",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						390.0,
						265.0,
						90.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "axes random"
				}
			},
			{
				"box": {
					"id": "obj-27",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						480.0,
						265.0,
						83.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "axes 0 1 2"
				}
			},
			{
				"box": {
					"id": "obj-28",
					"maxclass": "dropfile",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						40.0,
						320.0,
						200.0,
						60.0
					],
					"outlettype": [
						"",
						""
					],
					"presentation": 1,
					"presentation_rect": [
						20.0,
						320.0,
						300.0,
						60.0
					]
				}
			},
			{
				"box": {
					"id": "obj-29",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						50.0,
						340.0,
						190.0,
						34.0
					],
					"text": "drop a sample here to encode it",
					"presentation": 1,
					"presentation_rect": [
						60.0,
						340.0,
						220.0,
						20.0
					],
					"linecount": 2,
					"textcolor": [
						1,
						1,
						1,
						1
					]
				}
			},
			{
				"box": {
					"id": "obj-30",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						40.0,
						390.0,
						114.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "prepend replace"
				}
			},
			{
				"box": {
					"id": "obj-31",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						40.0,
						420.0,
						114.0,
						22.0
					],
					"outlettype": [
						"float",
						"bang"
					],
					"text": "buffer~ ndm-src"
				}
			},
			{
				"box": {
					"id": "obj-32",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						40.0,
						450.0,
						111.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "encode ndm-src"
				}
			},
			{
				"box": {
					"id": "obj-33",
					"maxclass": "waveform~",
					"numinlets": 5,
					"numoutlets": 6,
					"patching_rect": [
						600.0,
						320.0,
						360.0,
						120.0
					],
					"outlettype": [
						"float",
						"float",
						"float",
						"float",
						"list",
						""
					],
					"presentation": 1,
					"presentation_rect": [
						340.0,
						285.0,
						360.0,
						120.0
					],
					"buffername": "ndm"
				}
			},
			{
				"box": {
					"id": "obj-34",
					"maxclass": "button",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						450.0,
						400.0,
						40.0,
						40.0
					],
					"outlettype": [
						"bang"
					],
					"presentation": 1,
					"presentation_rect": [
						460.0,
						50.0,
						50.0,
						50.0
					]
				}
			},
			{
				"box": {
					"id": "obj-35",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						500.0,
						410.0,
						80.0,
						20.0
					],
					"text": "generate",
					"presentation": 1,
					"presentation_rect": [
						515.0,
						65.0,
						80.0,
						20.0
					],
					"linecount": 1,
					"textcolor": [
						1,
						1,
						1,
						1
					]
				}
			},
			{
				"box": {
					"id": "obj-36",
					"maxclass": "toggle",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						450.0,
						450.0,
						24.0,
						24.0
					],
					"outlettype": [
						"int"
					],
					"presentation": 1,
					"presentation_rect": [
						460.0,
						120.0,
						24.0,
						24.0
					]
				}
			},
			{
				"box": {
					"id": "obj-37",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						480.0,
						450.0,
						104.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "autorender $1"
				}
			},
			{
				"box": {
					"id": "obj-38",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						490.0,
						120.0,
						90.0,
						20.0
					],
					"text": "autorender",
					"presentation": 1,
					"presentation_rect": [
						490.0,
						122.0,
						90.0,
						20.0
					],
					"linecount": 1,
					"textcolor": [
						1,
						1,
						1,
						1
					]
				}
			},
			{
				"box": {
					"id": "obj-39",
					"maxclass": "toggle",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						450.0,
						490.0,
						24.0,
						24.0
					],
					"outlettype": [
						"int"
					],
					"presentation": 1,
					"presentation_rect": [
						460.0,
						160.0,
						24.0,
						24.0
					]
				}
			},
			{
				"box": {
					"id": "obj-40",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						480.0,
						490.0,
						62.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "trim $1"
				}
			},
			{
				"box": {
					"id": "obj-41",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						490.0,
						160.0,
						110.0,
						20.0
					],
					"text": "trim silent tail",
					"presentation": 1,
					"presentation_rect": [
						490.0,
						162.0,
						110.0,
						20.0
					],
					"linecount": 1,
					"textcolor": [
						1,
						1,
						1,
						1
					]
				}
			},
			{
				"box": {
					"id": "obj-42",
					"maxclass": "tab",
					"numinlets": 1,
					"numoutlets": 3,
					"patching_rect": [
						820.0,
						60.0,
						150.0,
						24.0
					],
					"outlettype": [
						"int",
						"",
						""
					],
					"presentation": 1,
					"presentation_rect": [
						460.0,
						205.0,
						240.0,
						24.0
					],
					"tabs": [
						"model",
						"pghi",
						"mcnn"
					]
				}
			},
			{
				"box": {
					"id": "obj-43",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 4,
					"patching_rect": [
						820.0,
						90.0,
						72.0,
						22.0
					],
					"outlettype": [
						"bang",
						"bang",
						"bang",
						""
					],
					"text": "sel 0 1 2"
				}
			},
			{
				"box": {
					"id": "obj-44",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						820.0,
						120.0,
						104.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "vocoder model"
				}
			},
			{
				"box": {
					"id": "obj-45",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						820.0,
						145.0,
						97.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "vocoder pghi"
				}
			},
			{
				"box": {
					"id": "obj-46",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						820.0,
						170.0,
						97.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "vocoder mcnn"
				}
			},
			{
				"box": {
					"id": "obj-47",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						820.0,
						195.0,
						170.0,
						34.0
					],
					"text": "vocoder (pghi: no network, half the cost)",
					"presentation": 1,
					"presentation_rect": [
						460.0,
						232.0,
						260.0,
						20.0
					],
					"linecount": 2,
					"textcolor": [
						1,
						1,
						1,
						1
					]
				}
			},
			{
				"box": {
					"id": "obj-48",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						350.0,
						560.0,
						86.0,
						22.0
					],
					"outlettype": [
						"float",
						"bang"
					],
					"text": "buffer~ ndm"
				}
			},
			{
				"box": {
					"id": "obj-49",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						200.0,
						560.0,
						62.0,
						22.0
					],
					"outlettype": [
						""
					],
					"text": "start 0"
				}
			},
			{
				"box": {
					"id": "obj-50",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"patching_rect": [
						200.0,
						590.0,
						72.0,
						22.0
					],
					"outlettype": [
						"signal",
						"bang"
					],
					"text": "play~ ndm"
				}
			},
			{
				"box": {
					"id": "obj-51",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"patching_rect": [
						200.0,
						620.0,
						51.0,
						22.0
					],
					"outlettype": [
						"signal"
					],
					"text": "*~ 0.7"
				}
			},
			{
				"box": {
					"id": "obj-52",
					"maxclass": "button",
					"numinlets": 1,
					"numoutlets": 1,
					"patching_rect": [
						200.0,
						520.0,
						30.0,
						30.0
					],
					"outlettype": [
						"bang"
					],
					"presentation": 1,
					"presentation_rect": [
						600.0,
						50.0,
						50.0,
						50.0
					]
				}
			},
			{
				"box": {
					"id": "obj-53",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						240.0,
						525.0,
						60.0,
						20.0
					],
					"text": "play",
					"presentation": 1,
					"presentation_rect": [
						655.0,
						65.0,
						60.0,
						20.0
					],
					"linecount": 1,
					"textcolor": [
						1,
						1,
						1,
						1
					]
				}
			},
			{
				"box": {
					"id": "obj-54",
					"maxclass": "ezdac~",
					"numinlets": 2,
					"numoutlets": 0,
					"patching_rect": [
						200.0,
						660.0,
						45.0,
						45.0
					],
					"presentation": 1,
					"presentation_rect": [
						600.0,
						120.0,
						45.0,
						45.0
					]
				}
			}
		],
		"lines": [
			{
				"patchline": {
					"source": [
						"obj-2",
						0
					],
					"destination": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-2",
						1
					],
					"destination": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-3",
						0
					],
					"destination": [
						"obj-5",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-4",
						0
					],
					"destination": [
						"obj-5",
						1
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-5",
						0
					],
					"destination": [
						"obj-1",
						1
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-7",
						0
					],
					"destination": [
						"obj-8",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-8",
						0
					],
					"destination": [
						"obj-9",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-9",
						0
					],
					"destination": [
						"obj-1",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-11",
						1
					],
					"destination": [
						"obj-12",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-12",
						0
					],
					"destination": [
						"obj-1",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-14",
						0
					],
					"destination": [
						"obj-15",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-15",
						0
					],
					"destination": [
						"obj-1",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-1",
						2
					],
					"destination": [
						"obj-16",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-16",
						0
					],
					"destination": [
						"obj-17",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-17",
						1
					],
					"destination": [
						"obj-18",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-17",
						0
					],
					"destination": [
						"obj-19",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-18",
						0
					],
					"destination": [
						"obj-21",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-19",
						0
					],
					"destination": [
						"obj-20",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-20",
						0
					],
					"destination": [
						"obj-21",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-21",
						0
					],
					"destination": [
						"obj-1",
						2
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-24",
						0
					],
					"destination": [
						"obj-25",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-25",
						0
					],
					"destination": [
						"obj-1",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-24",
						1
					],
					"destination": [
						"obj-26",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-26",
						0
					],
					"destination": [
						"obj-1",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-24",
						2
					],
					"destination": [
						"obj-27",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-27",
						0
					],
					"destination": [
						"obj-1",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-23",
						0
					],
					"destination": [
						"obj-24",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-28",
						0
					],
					"destination": [
						"obj-30",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-30",
						0
					],
					"destination": [
						"obj-31",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-31",
						1
					],
					"destination": [
						"obj-32",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-32",
						0
					],
					"destination": [
						"obj-1",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-34",
						0
					],
					"destination": [
						"obj-1",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-36",
						0
					],
					"destination": [
						"obj-37",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-37",
						0
					],
					"destination": [
						"obj-1",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-39",
						0
					],
					"destination": [
						"obj-40",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-40",
						0
					],
					"destination": [
						"obj-1",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-43",
						0
					],
					"destination": [
						"obj-44",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-44",
						0
					],
					"destination": [
						"obj-1",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-43",
						1
					],
					"destination": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-45",
						0
					],
					"destination": [
						"obj-1",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-43",
						2
					],
					"destination": [
						"obj-46",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-46",
						0
					],
					"destination": [
						"obj-1",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-42",
						0
					],
					"destination": [
						"obj-43",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-1",
						0
					],
					"destination": [
						"obj-49",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-49",
						0
					],
					"destination": [
						"obj-50",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-50",
						0
					],
					"destination": [
						"obj-51",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-52",
						0
					],
					"destination": [
						"obj-49",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-51",
						0
					],
					"destination": [
						"obj-54",
						0
					]
				}
			},
			{
				"patchline": {
					"source": [
						"obj-51",
						0
					],
					"destination": [
						"obj-54",
						1
					]
				}
			}
		]
	}
}
