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
			100,
			100,
			840,
			640
		],
		"gridsize": [
			15.0,
			15.0
		],
		"default_fontsize": 12.0,
		"default_fontname": "Arial",
		"description": "Neural drum machine: drum one-shots from a latent space",
		"digest": "Generate drum sounds into a buffer~",
		"tags": "ndm",
		"showontab": 0,
		"boxes": [
			{
				"box": {
					"id": "obj-1",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						10.0,
						10.0,
						200.0,
						30.0
					],
					"text": "ndm~",
					"linecount": 1,
					"fontsize": 24.0,
					"fontface": 1
				}
			},
			{
				"box": {
					"id": "obj-2",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						10.0,
						45.0,
						600.0,
						20.0
					],
					"text": "Neural drum machine: class + latent pad -> drum one-shot in a buffer~",
					"linecount": 1
				}
			},
			{
				"box": {
					"id": "obj-3",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 0,
					"patching_rect": [
						10.0,
						80.0,
						90.0,
						22.0
					],
					"text": "p basic",
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
							0,
							26,
							820,
							600
						],
						"gridsize": [
							15.0,
							15.0
						],
						"default_fontsize": 12.0,
						"default_fontname": "Arial",
						"boxes": [
							{
								"box": {
									"id": "obj-1",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										20.0,
										10.0,
										600.0,
										34.0
									],
									"text": "Choose a class, move the pad, bang: ndm~ renders a drum one-shot into the buffer~ named by its first argument, then bangs its left outlet (here: play it).",
									"linecount": 2
								}
							},
							{
								"box": {
									"id": "obj-2",
									"maxclass": "newobj",
									"numinlets": 3,
									"numoutlets": 3,
									"patching_rect": [
										20.0,
										330.0,
										180.0,
										22.0
									],
									"outlettype": [
										"",
										"",
										""
									],
									"text": "ndm~ ndm-help-basic"
								}
							},
							{
								"box": {
									"id": "obj-3",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										50.0,
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
									"id": "obj-4",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										80.0,
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
									"id": "obj-5",
									"maxclass": "newobj",
									"numinlets": 2,
									"numoutlets": 2,
									"patching_rect": [
										170.0,
										80.0,
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
									"id": "obj-6",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 2,
									"patching_rect": [
										170.0,
										110.0,
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
									"id": "obj-7",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										250.0,
										140.0,
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
									"id": "obj-8",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 1,
									"patching_rect": [
										170.0,
										140.0,
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
									"id": "obj-9",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 1,
									"patching_rect": [
										170.0,
										170.0,
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
									"id": "obj-10",
									"maxclass": "umenu",
									"numinlets": 1,
									"numoutlets": 3,
									"patching_rect": [
										20.0,
										200.0,
										120.0,
										22.0
									],
									"outlettype": [
										"int",
										"",
										""
									],
									"items": [
										"kick"
									]
								}
							},
							{
								"box": {
									"id": "obj-11",
									"maxclass": "pictslider",
									"numinlets": 2,
									"numoutlets": 2,
									"patching_rect": [
										260.0,
										50.0,
										150.0,
										150.0
									],
									"outlettype": [
										"int",
										"int"
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
									"id": "obj-12",
									"maxclass": "newobj",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										260.0,
										210.0,
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
									"id": "obj-13",
									"maxclass": "newobj",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										330.0,
										210.0,
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
									"id": "obj-14",
									"maxclass": "newobj",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										260.0,
										240.0,
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
									"id": "obj-15",
									"maxclass": "button",
									"numinlets": 1,
									"numoutlets": 1,
									"patching_rect": [
										450.0,
										60.0,
										30.0,
										30.0
									],
									"outlettype": [
										"bang"
									]
								}
							},
							{
								"box": {
									"id": "obj-16",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										485.0,
										65.0,
										80.0,
										20.0
									],
									"text": "generate",
									"linecount": 1
								}
							},
							{
								"box": {
									"id": "obj-17",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										450.0,
										110.0,
										97.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "autorender 1"
								}
							},
							{
								"box": {
									"id": "obj-18",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										450.0,
										140.0,
										97.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "autorender 0"
								}
							},
							{
								"box": {
									"id": "obj-19",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										560.0,
										110.0,
										240.0,
										34.0
									],
									"text": "autorender 1: re-render as the pad moves",
									"linecount": 2
								}
							},
							{
								"box": {
									"id": "obj-20",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 2,
									"patching_rect": [
										170.0,
										380.0,
										163.0,
										22.0
									],
									"outlettype": [
										"float",
										"bang"
									],
									"text": "buffer~ ndm-help-basic"
								}
							},
							{
								"box": {
									"id": "obj-21",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										380.0,
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
									"id": "obj-22",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 2,
									"patching_rect": [
										20.0,
										410.0,
										149.0,
										22.0
									],
									"outlettype": [
										"signal",
										"bang"
									],
									"text": "play~ ndm-help-basic"
								}
							},
							{
								"box": {
									"id": "obj-23",
									"maxclass": "newobj",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										440.0,
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
									"id": "obj-24",
									"maxclass": "ezdac~",
									"numinlets": 2,
									"numoutlets": 0,
									"patching_rect": [
										20.0,
										470.0,
										45.0,
										45.0
									]
								}
							},
							{
								"box": {
									"id": "obj-25",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										250.0,
										380.0,
										121.0,
										22.0
									],
									"text": "print ndm-latent"
								}
							}
						],
						"lines": [
							{
								"patchline": {
									"source": [
										"obj-3",
										0
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
										"obj-4",
										0
									],
									"destination": [
										"obj-2",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-2",
										2
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
										"obj-5",
										0
									],
									"destination": [
										"obj-6",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-6",
										1
									],
									"destination": [
										"obj-7",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-6",
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
										"obj-7",
										0
									],
									"destination": [
										"obj-10",
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
										"obj-10",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-10",
										0
									],
									"destination": [
										"obj-2",
										2
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-11",
										0
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
										"obj-11",
										1
									],
									"destination": [
										"obj-13",
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
										"obj-14",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-13",
										0
									],
									"destination": [
										"obj-14",
										1
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
										"obj-2",
										1
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
										"obj-2",
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
										"obj-2",
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
										"obj-2",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-2",
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
										"obj-22",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-22",
										0
									],
									"destination": [
										"obj-23",
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
										"obj-23",
										0
									],
									"destination": [
										"obj-24",
										1
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
										"obj-25",
										0
									]
								}
							}
						]
					},
					"showontab": 1
				}
			},
			{
				"box": {
					"id": "obj-4",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 0,
					"patching_rect": [
						110.0,
						80.0,
						90.0,
						22.0
					],
					"text": "p encode",
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
							0,
							26,
							820,
							600
						],
						"gridsize": [
							15.0,
							15.0
						],
						"default_fontsize": 12.0,
						"default_fontname": "Arial",
						"boxes": [
							{
								"box": {
									"id": "obj-1",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										20.0,
										10.0,
										640.0,
										34.0
									],
									"text": "Encode your own sample: drop a sound file on the box; it is read into buffer~ ndm-help-src, then `encode ndm-help-src` moves the pad to its latent (middle outlet) and renders.",
									"linecount": 2
								}
							},
							{
								"box": {
									"id": "obj-2",
									"maxclass": "dropfile",
									"numinlets": 1,
									"numoutlets": 2,
									"patching_rect": [
										20.0,
										60.0,
										220.0,
										60.0
									],
									"outlettype": [
										"",
										""
									]
								}
							},
							{
								"box": {
									"id": "obj-3",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										60.0,
										80.0,
										160.0,
										20.0
									],
									"text": "drop a sound file here",
									"linecount": 1
								}
							},
							{
								"box": {
									"id": "obj-4",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										130.0,
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
									"id": "obj-5",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 2,
									"patching_rect": [
										20.0,
										160.0,
										149.0,
										22.0
									],
									"outlettype": [
										"float",
										"bang"
									],
									"text": "buffer~ ndm-help-src"
								}
							},
							{
								"box": {
									"id": "obj-6",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										200.0,
										146.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "encode ndm-help-src"
								}
							},
							{
								"box": {
									"id": "obj-7",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										200.0,
										200.0,
										188.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "encode ndm-help-src snare"
								}
							},
							{
								"box": {
									"id": "obj-8",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										380.0,
										200.0,
										260.0,
										34.0
									],
									"text": "with a class (else the model guesses it)",
									"linecount": 2
								}
							},
							{
								"box": {
									"id": "obj-9",
									"maxclass": "newobj",
									"numinlets": 3,
									"numoutlets": 3,
									"patching_rect": [
										20.0,
										250.0,
										160.0,
										22.0
									],
									"outlettype": [
										"",
										"",
										""
									],
									"text": "ndm~ ndm-help-enc"
								}
							},
							{
								"box": {
									"id": "obj-10",
									"maxclass": "waveform~",
									"numinlets": 5,
									"numoutlets": 6,
									"patching_rect": [
										300.0,
										60.0,
										300.0,
										80.0
									],
									"outlettype": [
										"float",
										"float",
										"float",
										"float",
										"list",
										""
									],
									"buffername": "ndm-help-src"
								}
							},
							{
								"box": {
									"id": "obj-11",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										200.0,
										250.0,
										400.0,
										34.0
									],
									"text": "the latent (class, xy, fine, z) comes out of the middle outlet:",
									"linecount": 2
								}
							},
							{
								"box": {
									"id": "obj-12",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										200.0,
										280.0,
										121.0,
										22.0
									],
									"text": "print ndm-latent"
								}
							},
							{
								"box": {
									"id": "obj-13",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 2,
									"patching_rect": [
										170.0,
										300.0,
										149.0,
										22.0
									],
									"outlettype": [
										"float",
										"bang"
									],
									"text": "buffer~ ndm-help-enc"
								}
							},
							{
								"box": {
									"id": "obj-14",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										300.0,
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
									"id": "obj-15",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 2,
									"patching_rect": [
										20.0,
										330.0,
										135.0,
										22.0
									],
									"outlettype": [
										"signal",
										"bang"
									],
									"text": "play~ ndm-help-enc"
								}
							},
							{
								"box": {
									"id": "obj-16",
									"maxclass": "newobj",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										360.0,
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
									"id": "obj-17",
									"maxclass": "ezdac~",
									"numinlets": 2,
									"numoutlets": 0,
									"patching_rect": [
										20.0,
										390.0,
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
										"obj-4",
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
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-5",
										1
									],
									"destination": [
										"obj-6",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-6",
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
										"obj-7",
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
										"obj-9",
										0
									],
									"destination": [
										"obj-14",
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
										"obj-16",
										0
									],
									"destination": [
										"obj-17",
										1
									]
								}
							}
						]
					},
					"showontab": 1
				}
			},
			{
				"box": {
					"id": "obj-5",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 0,
					"patching_rect": [
						210.0,
						80.0,
						90.0,
						22.0
					],
					"text": "p axes",
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
							0,
							26,
							820,
							600
						],
						"gridsize": [
							15.0,
							15.0
						],
						"default_fontsize": 12.0,
						"default_fontname": "Arial",
						"boxes": [
							{
								"box": {
									"id": "obj-1",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										20.0,
										10.0,
										640.0,
										48.0
									],
									"text": "The pad's axes: the principal directions of the training latents (pca: x = P1, y = P2, fine = P3), three random latent dimensions, or explicit ones. range scales the pad (1: its edges at two standard deviations).",
									"linecount": 3
								}
							},
							{
								"box": {
									"id": "obj-2",
									"maxclass": "newobj",
									"numinlets": 3,
									"numoutlets": 3,
									"patching_rect": [
										20.0,
										300.0,
										240.0,
										22.0
									],
									"outlettype": [
										"",
										"",
										""
									],
									"text": "ndm~ ndm-help-axes @autorender 1"
								}
							},
							{
								"box": {
									"id": "obj-3",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										70.0,
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
									"id": "obj-4",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										200.0,
										70.0,
										300.0,
										20.0
									],
									"text": "principal directions (default)",
									"linecount": 1
								}
							},
							{
								"box": {
									"id": "obj-5",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										95.0,
										104.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "axes random 7"
								}
							},
							{
								"box": {
									"id": "obj-6",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										200.0,
										95.0,
										300.0,
										20.0
									],
									"text": "random dimensions, seed 7",
									"linecount": 1
								}
							},
							{
								"box": {
									"id": "obj-7",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										120.0,
										83.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "axes 3 5 9"
								}
							},
							{
								"box": {
									"id": "obj-8",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										200.0,
										120.0,
										300.0,
										20.0
									],
									"text": "explicit dimensions i j [k]",
									"linecount": 1
								}
							},
							{
								"box": {
									"id": "obj-9",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										145.0,
										76.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "range 0.5"
								}
							},
							{
								"box": {
									"id": "obj-10",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										200.0,
										145.0,
										300.0,
										20.0
									],
									"text": "smaller pad",
									"linecount": 1
								}
							},
							{
								"box": {
									"id": "obj-11",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										170.0,
										62.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "range 1"
								}
							},
							{
								"box": {
									"id": "obj-12",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										200.0,
										170.0,
										300.0,
										20.0
									],
									"text": "default",
									"linecount": 1
								}
							},
							{
								"box": {
									"id": "obj-13",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										195.0,
										62.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "range 2"
								}
							},
							{
								"box": {
									"id": "obj-14",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										200.0,
										195.0,
										300.0,
										20.0
									],
									"text": "wider pad",
									"linecount": 1
								}
							},
							{
								"box": {
									"id": "obj-15",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										220.0,
										83.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "xy 0.1 0.9"
								}
							},
							{
								"box": {
									"id": "obj-16",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										200.0,
										220.0,
										300.0,
										20.0
									],
									"text": "pad position",
									"linecount": 1
								}
							},
							{
								"box": {
									"id": "obj-17",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										245.0,
										69.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "fine 0.2"
								}
							},
							{
								"box": {
									"id": "obj-18",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										200.0,
										245.0,
										300.0,
										20.0
									],
									"text": "third axis",
									"linecount": 1
								}
							},
							{
								"box": {
									"id": "obj-19",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										270.0,
										69.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "fine 0.8"
								}
							},
							{
								"box": {
									"id": "obj-20",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										200.0,
										270.0,
										300.0,
										20.0
									],
									"text": "",
									"linecount": 1
								}
							},
							{
								"box": {
									"id": "obj-21",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 2,
									"patching_rect": [
										170.0,
										340.0,
										156.0,
										22.0
									],
									"outlettype": [
										"float",
										"bang"
									],
									"text": "buffer~ ndm-help-axes"
								}
							},
							{
								"box": {
									"id": "obj-22",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										340.0,
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
									"id": "obj-23",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 2,
									"patching_rect": [
										20.0,
										370.0,
										142.0,
										22.0
									],
									"outlettype": [
										"signal",
										"bang"
									],
									"text": "play~ ndm-help-axes"
								}
							},
							{
								"box": {
									"id": "obj-24",
									"maxclass": "newobj",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										400.0,
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
									"id": "obj-25",
									"maxclass": "ezdac~",
									"numinlets": 2,
									"numoutlets": 0,
									"patching_rect": [
										20.0,
										430.0,
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
										"obj-3",
										0
									],
									"destination": [
										"obj-2",
										0
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
										"obj-2",
										0
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
										"obj-2",
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
										"obj-2",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-11",
										0
									],
									"destination": [
										"obj-2",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-13",
										0
									],
									"destination": [
										"obj-2",
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
										"obj-2",
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
										"obj-2",
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
										"obj-2",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-2",
										0
									],
									"destination": [
										"obj-22",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-22",
										0
									],
									"destination": [
										"obj-23",
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
										"obj-24",
										0
									],
									"destination": [
										"obj-25",
										1
									]
								}
							}
						]
					},
					"showontab": 1
				}
			},
			{
				"box": {
					"id": "obj-6",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 0,
					"patching_rect": [
						310.0,
						80.0,
						90.0,
						22.0
					],
					"text": "p variations",
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
							0,
							26,
							820,
							600
						],
						"gridsize": [
							15.0,
							15.0
						],
						"default_fontsize": 12.0,
						"default_fontname": "Arial",
						"boxes": [
							{
								"box": {
									"id": "obj-1",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										20.0,
										10.0,
										640.0,
										34.0
									],
									"text": "Variations: random draws from the class prior, vary adds seeded noise around the current latent, store/recall keep latents in named slots, morph interpolates between two slots.",
									"linecount": 2
								}
							},
							{
								"box": {
									"id": "obj-2",
									"maxclass": "newobj",
									"numinlets": 3,
									"numoutlets": 3,
									"patching_rect": [
										20.0,
										330.0,
										160.0,
										22.0
									],
									"outlettype": [
										"",
										"",
										""
									],
									"text": "ndm~ ndm-help-var"
								}
							},
							{
								"box": {
									"id": "obj-3",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										60.0,
										62.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "seed 42"
								}
							},
							{
								"box": {
									"id": "obj-4",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										85.0,
										55.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "random"
								}
							},
							{
								"box": {
									"id": "obj-5",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										110.0,
										69.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "vary 0.3"
								}
							},
							{
								"box": {
									"id": "obj-6",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										135.0,
										62.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "store a"
								}
							},
							{
								"box": {
									"id": "obj-7",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										160.0,
										55.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "random"
								}
							},
							{
								"box": {
									"id": "obj-8",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										185.0,
										62.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "store b"
								}
							},
							{
								"box": {
									"id": "obj-9",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										210.0,
										69.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "recall a"
								}
							},
							{
								"box": {
									"id": "obj-10",
									"maxclass": "flonum",
									"numinlets": 1,
									"numoutlets": 2,
									"patching_rect": [
										250.0,
										60.0,
										60.0,
										22.0
									],
									"outlettype": [
										"",
										"bang"
									],
									"minimum": 0.0,
									"maximum": 1.0,
									"format": 6
								}
							},
							{
								"box": {
									"id": "obj-11",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										250.0,
										90.0,
										97.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "morph a b $1"
								}
							},
							{
								"box": {
									"id": "obj-12",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										330.0,
										60.0,
										240.0,
										20.0
									],
									"text": "morph from slot a (0) to slot b (1)",
									"linecount": 1
								}
							},
							{
								"box": {
									"id": "obj-13",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										250.0,
										330.0,
										121.0,
										22.0
									],
									"text": "print ndm-latent"
								}
							},
							{
								"box": {
									"id": "obj-14",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 2,
									"patching_rect": [
										170.0,
										370.0,
										149.0,
										22.0
									],
									"outlettype": [
										"float",
										"bang"
									],
									"text": "buffer~ ndm-help-var"
								}
							},
							{
								"box": {
									"id": "obj-15",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										370.0,
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
									"id": "obj-16",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 2,
									"patching_rect": [
										20.0,
										400.0,
										135.0,
										22.0
									],
									"outlettype": [
										"signal",
										"bang"
									],
									"text": "play~ ndm-help-var"
								}
							},
							{
								"box": {
									"id": "obj-17",
									"maxclass": "newobj",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										430.0,
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
									"id": "obj-18",
									"maxclass": "ezdac~",
									"numinlets": 2,
									"numoutlets": 0,
									"patching_rect": [
										20.0,
										460.0,
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
										"obj-3",
										0
									],
									"destination": [
										"obj-2",
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
										"obj-2",
										0
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
										"obj-2",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-6",
										0
									],
									"destination": [
										"obj-2",
										0
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
										"obj-2",
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
										"obj-2",
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
										"obj-2",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-10",
										0
									],
									"destination": [
										"obj-11",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-11",
										0
									],
									"destination": [
										"obj-2",
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
										"obj-13",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-2",
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
										0
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
										"obj-18",
										1
									]
								}
							}
						]
					},
					"showontab": 1
				}
			},
			{
				"box": {
					"id": "obj-7",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 0,
					"patching_rect": [
						410.0,
						80.0,
						90.0,
						22.0
					],
					"text": "p model",
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
							0,
							26,
							820,
							600
						],
						"gridsize": [
							15.0,
							15.0
						],
						"default_fontsize": 12.0,
						"default_fontname": "Arial",
						"boxes": [
							{
								"box": {
									"id": "obj-1",
									"maxclass": "comment",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										20.0,
										10.0,
										640.0,
										48.0
									],
									"text": "Models: ndm~ loads models/ndm-v1 from this package when it is created. `model <folder>` loads another bundle on the worker thread (the old one keeps working until then); a relative folder is looked up in the package's models/. dump prints the state.",
									"linecount": 3
								}
							},
							{
								"box": {
									"id": "obj-2",
									"maxclass": "newobj",
									"numinlets": 3,
									"numoutlets": 3,
									"patching_rect": [
										20.0,
										330.0,
										170.0,
										22.0
									],
									"outlettype": [
										"",
										"",
										""
									],
									"text": "ndm~ ndm-help-model"
								}
							},
							{
								"box": {
									"id": "obj-3",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										70.0,
										97.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "model ndm-v1"
								}
							},
							{
								"box": {
									"id": "obj-4",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										100.0,
										188.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "choose a bundle folder..."
								}
							},
							{
								"box": {
									"id": "obj-5",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 2,
									"patching_rect": [
										20.0,
										130.0,
										114.0,
										22.0
									],
									"outlettype": [
										"",
										"bang"
									],
									"text": "opendialog fold"
								}
							},
							{
								"box": {
									"id": "obj-6",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 2,
									"patching_rect": [
										20.0,
										160.0,
										170.0,
										22.0
									],
									"outlettype": [
										"",
										"int"
									],
									"text": "conformpath native boot"
								}
							},
							{
								"box": {
									"id": "obj-7",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										190.0,
										100.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "prepend model"
								}
							},
							{
								"box": {
									"id": "obj-8",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										300.0,
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
									"id": "obj-9",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										300.0,
										95.0,
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
									"id": "obj-10",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										300.0,
										120.0,
										111.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "vocoder mcnn 0"
								}
							},
							{
								"box": {
									"id": "obj-11",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										300.0,
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
									"id": "obj-12",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										300.0,
										170.0,
										160.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "vocoder griffinlim 16"
								}
							},
							{
								"box": {
									"id": "obj-13",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										300.0,
										195.0,
										55.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "trim 0"
								}
							},
							{
								"box": {
									"id": "obj-14",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										300.0,
										220.0,
										55.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "trim 1"
								}
							},
							{
								"box": {
									"id": "obj-15",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										300.0,
										245.0,
										41.0,
										22.0
									],
									"outlettype": [
										""
									],
									"text": "bang"
								}
							},
							{
								"box": {
									"id": "obj-16",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 0,
									"patching_rect": [
										200.0,
										370.0,
										107.0,
										22.0
									],
									"text": "print ndm-info"
								}
							},
							{
								"box": {
									"id": "obj-17",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 2,
									"patching_rect": [
										170.0,
										370.0,
										163.0,
										22.0
									],
									"outlettype": [
										"float",
										"bang"
									],
									"text": "buffer~ ndm-help-model"
								}
							},
							{
								"box": {
									"id": "obj-18",
									"maxclass": "message",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										370.0,
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
									"id": "obj-19",
									"maxclass": "newobj",
									"numinlets": 1,
									"numoutlets": 2,
									"patching_rect": [
										20.0,
										400.0,
										149.0,
										22.0
									],
									"outlettype": [
										"signal",
										"bang"
									],
									"text": "play~ ndm-help-model"
								}
							},
							{
								"box": {
									"id": "obj-20",
									"maxclass": "newobj",
									"numinlets": 2,
									"numoutlets": 1,
									"patching_rect": [
										20.0,
										430.0,
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
									"id": "obj-21",
									"maxclass": "ezdac~",
									"numinlets": 2,
									"numoutlets": 0,
									"patching_rect": [
										20.0,
										460.0,
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
										"obj-3",
										0
									],
									"destination": [
										"obj-2",
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
										0
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
										"obj-6",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-6",
										0
									],
									"destination": [
										"obj-7",
										0
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
										"obj-2",
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
										"obj-2",
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
										"obj-2",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-10",
										0
									],
									"destination": [
										"obj-2",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-11",
										0
									],
									"destination": [
										"obj-2",
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
										"obj-2",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-13",
										0
									],
									"destination": [
										"obj-2",
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
										"obj-2",
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
										"obj-2",
										0
									]
								}
							},
							{
								"patchline": {
									"source": [
										"obj-2",
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
										"obj-2",
										0
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
										"obj-18",
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
										"obj-20",
										0
									],
									"destination": [
										"obj-21",
										1
									]
								}
							}
						]
					},
					"showontab": 1
				}
			}
		],
		"lines": []
	}
}
